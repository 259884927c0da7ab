package routes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// redBodyLimit caps the red commands' bodies: a few short fields.
const redBodyLimit = 1 << 10

// redField is the JSON type a red command's field must have.
type redField int

const (
	redText redField = iota
	redInt
)

// decodeRedCommand reads a red command's JSON object strictly, as
// decodeBulk does: exact keys (no case folding), no null, the documented
// type; absent keys are absent from the answer.
func decodeRedCommand(e *core.RequestEvent, fields map[string]redField) (map[string]any, error) {
	bad := func(why string) error {
		return apiError(http.StatusBadRequest, "invalid_body", "Los datos enviados no son válidos: "+why+".", nil)
	}
	raw, err := io.ReadAll(e.Request.Body)
	if err != nil {
		return nil, bad("no se pudieron leer")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, bad("se esperaba un objeto JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("sobran datos después del objeto")
	}
	out := make(map[string]any, len(obj))
	for key, value := range obj {
		kind, ok := fields[key]
		if !ok {
			return nil, bad(fmt.Sprintf("el campo %q no existe", key))
		}
		var v any
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, bad(fmt.Sprintf("%q no es válido", key))
		}
		switch kind {
		case redText:
			s, ok := v.(string)
			if !ok {
				return nil, bad(fmt.Sprintf("%q debe ser texto", key))
			}
			out[key] = s
		case redInt:
			f, ok := v.(float64)
			if !ok || f != math.Trunc(f) || math.Abs(f) > 1e12 {
				return nil, bad(fmt.Sprintf("%q debe ser un número entero", key))
			}
			out[key] = int(f)
		}
	}
	return out, nil
}

// managedCommand is the frame of every command on a person of the network
// (move, role, goals): the caller signed in, the person {id} visible to them
// and managed by them, and the command's body decoded as fields says.
func managedCommand(e *core.RequestEvent, fields map[string]redField) (caller, *core.Record, map[string]any, error) {
	who, ok := whoIs(e)
	if !ok {
		return caller{}, nil, nil, errAuthRequired()
	}
	rec, err := redNode(e, who)
	if err != nil {
		return caller{}, nil, nil, err
	}
	if err := requireManager(e, who, rec); err != nil {
		return caller{}, nil, nil, err
	}
	body, err := decodeRedCommand(e, fields)
	if err != nil {
		return caller{}, nil, nil, err
	}
	return who, rec, body, nil
}

// leaderNode is the frame of the network's reads for leaders (children,
// ranking, stats, export): the caller a leader, coordinator or superuser,
// and the person {id} visible to them.
func leaderNode(e *core.RequestEvent) (caller, *core.Record, error) {
	who, err := requireLeader(e)
	if err != nil {
		return caller{}, nil, err
	}
	rec, err := redNode(e, who)
	if err != nil {
		return caller{}, nil, err
	}
	return who, rec, nil
}

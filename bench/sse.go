package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// sseEvent is one realtime message about a cedula_info record.
type sseEvent struct {
	Topic  string    // the subscription it answers, e.g. cedula_info/*
	Action string    // create, update, delete
	ID     string    // the record's id
	User   string    // the user it belongs to
	Status string    // its status
	Stamp  time.Time // its updated field: when the save began
	Node   string    // a red topic event's person (routes.RedEvent)
	At     time.Time // when this client read it
}

// key names the state an event carries, the same for every client.
func (e sseEvent) key() string { return e.ID + " " + e.Status + " " + e.Stamp.Format(time.RFC3339Nano) }

// realtimeMsg is PocketBase's realtime payload.
type realtimeMsg struct {
	Action string `json:"action"`
	Node   string `json:"node"` // red topic events
	Record struct {
		ID      string `json:"id"`
		User    string `json:"user"`
		Status  string `json:"status"`
		Updated string `json:"updated"`
	} `json:"record"`
}

// sseHTTP carries the streams: no timeout, one connection per stream.
var sseHTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1}}

// subscribe opens a realtime connection as the web app does (GET for the
// stream, POST of the subscriptions with the user's token) and calls
// onEvent, from its own goroutine, for every record event until ctx ends.
func subscribe(ctx context.Context, c *client, token string, topics []string, onEvent func(sseEvent)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/realtime", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := sseHTTP.Do(req)
	if err != nil {
		return fmt.Errorf("realtime connect: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return fmt.Errorf("realtime connect: HTTP %d", res.StatusCode)
	}
	r := bufio.NewReaderSize(res.Body, 16<<10)
	var clientID string
	for clientID == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			res.Body.Close()
			return fmt.Errorf("realtime connect: no PB_CONNECT: %w", err)
		}
		if rest, ok := strings.CutPrefix(line, `data:{"clientId":"`); ok {
			clientID, _, _ = strings.Cut(rest, `"`)
		}
	}
	body := map[string]any{"clientId": clientID, "subscriptions": topics}
	if _, _, err := c.do(ctx, http.MethodPost, "/api/realtime", token, body, http.StatusNoContent, nil); err != nil {
		res.Body.Close()
		return fmt.Errorf("realtime subscribe: %w", err)
	}
	go readEvents(r, res, onEvent)
	return nil
}

// readEvents parses the stream's frames until it closes.
func readEvents(r *bufio.Reader, res *http.Response, onEvent func(sseEvent)) {
	defer res.Body.Close()
	var topic string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			topic = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:") && topic != "PB_CONNECT":
			at := time.Now()
			var m realtimeMsg
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &m) != nil {
				continue
			}
			stamp, _ := time.Parse("2006-01-02 15:04:05.000Z", m.Record.Updated)
			onEvent(sseEvent{Topic: topic, Action: m.Action, ID: m.Record.ID, User: m.Record.User, Status: m.Record.Status, Stamp: stamp, Node: m.Node, At: at})
		case line == "":
			topic = ""
		}
	}
}

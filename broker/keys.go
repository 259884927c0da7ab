package broker

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// keyPrefix starts every agent key, so a key pasted in the wrong place is
// recognisable.
const keyPrefix = "padron-agent"

// CreateKey stores a new agent key named name and returns the credential,
// one line ("padron-agent.<id>.<secret>"), the only time the secret exists
// in the clear.
func CreateKey(app core.App, name string) (string, error) {
	col, err := app.FindCollectionByNameOrId(schema.AgentKeysCollection)
	if err != nil {
		return "", fmt.Errorf("agent keys collection: %w", err)
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(raw[:])
	rec := core.NewRecord(col)
	rec.Set("name", name)
	rec.Set("secret_hash", hashSecret(secret))
	if err := app.Save(rec); err != nil {
		return "", fmt.Errorf("save agent key %q: %w", name, err)
	}
	return keyPrefix + "." + rec.Id + "." + secret, nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// errKeyRefused is why a key does not admit its agent.
var errKeyRefused = errors.New("agent key unknown or revoked")

// VerifyKey returns the agent key record the credential names, if the key
// exists, matches and is not revoked.
func VerifyKey(app core.App, credential string) (*core.Record, error) {
	parts := strings.Split(strings.TrimSpace(credential), ".")
	if len(parts) != 3 || parts[0] != keyPrefix || parts[1] == "" {
		return nil, errKeyRefused
	}
	rec, err := app.FindRecordById(schema.AgentKeysCollection, parts[1])
	if err != nil {
		return nil, errKeyRefused
	}
	if subtle.ConstantTimeCompare([]byte(rec.GetString("secret_hash")), []byte(hashSecret(parts[2]))) != 1 ||
		rec.GetBool("revoked") {
		return nil, errKeyRefused
	}
	return rec, nil
}

package broker

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// AckWaitDefault is how long an agent may stay silent about a check before
// it is redelivered to another (a kill -9 costs at most this); agents send
// in-progress acks at a third of it while they work.
const AckWaitDefault = 30 * time.Second

// DuplicateWindow is how long a republished attempt (same check and
// attempt, after a server restart) is recognised and dropped.
const DuplicateWindow = 10 * time.Minute

// Setup creates (or updates) the two streams and their consumers; the
// server runs it at start, against the embedded or an external broker.
func Setup(ctx context.Context, js jetstream.JetStream, ackWait time.Duration) error {
	if ackWait <= 0 {
		ackWait = AckWaitDefault
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        ChecksStream,
		Description: "census check attempts waiting for a lookup agent",
		Subjects:    []string{ChecksSubject},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  DuplicateWindow,
	}); err != nil {
		return fmt.Errorf("stream %s: %w", ChecksStream, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, ChecksStream, jetstream.ConsumerConfig{
		Durable:       AgentsConsumer,
		Description:   "shared by every padron agent",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxDeliver:    -1,
		MaxAckPending: -1,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", AgentsConsumer, err)
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        ResultsStream,
		Description: "lookup agents' answers waiting for the server",
		// One subject per agent connection (ResultsSubject); an existing
		// store's stream, made on the single "padron.results", is updated
		// in place and keeps the answers it holds.
		Subjects:   []string{ResultsPrefix + ".>"},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		MaxMsgSize: MaxPayload,
	}); err != nil {
		return fmt.Errorf("stream %s: %w", ResultsStream, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, ResultsStream, jetstream.ConsumerConfig{
		Durable:     ServerConsumer,
		Description: "the Padrón server applying answers",
		AckPolicy:   jetstream.AckExplicitPolicy,
		AckWait:     time.Minute,
		MaxDeliver:  -1,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", ServerConsumer, err)
	}
	return nil
}

package census

import "context"

// CheckRef names one attempt of one check, so a Lookuper that hands the
// lookup to another process (a broker's agent) can fence its answer by
// check and attempt.
type CheckRef struct {
	// ID is the cedula_info record's id.
	ID string
	// Attempt is the attempt's number, the first being 1.
	Attempt int
	// Round tells requests of the same check apart (its requested_at, in
	// Unix nanoseconds): a refresh starts again at attempt 1.
	Round int64
}

type checkRefKey struct{}

// WithCheck returns ctx carrying ref, which the worker passes to its Lookuper.
func WithCheck(ctx context.Context, ref CheckRef) context.Context {
	return context.WithValue(ctx, checkRefKey{}, ref)
}

// CheckOf returns the attempt a lookup's ctx belongs to; ok is false for a
// lookup outside the worker (padron census lookup).
func CheckOf(ctx context.Context) (ref CheckRef, ok bool) {
	ref, ok = ctx.Value(checkRefKey{}).(CheckRef)
	return ref, ok
}

// Settler is what a Lookuper may implement to learn that the worker has
// stored (or dropped) the outcome of the attempt in ctx: a broker confirms
// the agent's result only then.
type Settler interface {
	Settled(ctx context.Context, err error)
}

// Package worker turns registrations and refresh requests into census checks
// that always finish: a durable queue in PocketBase's SQLite, a gocron-driven
// dispatcher, pacing towards the registrar, retries with backoff, a block
// breaker, crash recovery and an attempt history with evidence.
//
// The queue's state lives on cedula_info itself, not in a collection of its
// own: there is exactly one row per user, so "at most one active check per
// user" holds by construction and enqueuing again while a check is pending is
// a no-op; and every state change (pending → processing → final) is a save
// of the very record browsers subscribe to, so realtime shows it as it
// happens with no second write to keep in sync. A check is "queued" when its
// status is pending and next_attempt_at is empty or due; "claimed" when it
// is processing with a lease (lease_owner, lease_until, hidden from the API).
//
// One process owns the database (PocketBase is single-process), so at start
// every lease held by another owner is from a dead process and released.
package worker

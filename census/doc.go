// Package census owns the vocabulary of a cédula's census check: the
// statuses of a cedula_info record, which of them are answers, settled, in
// flight or failed, and the Spanish labels and meanings a person reads (the
// web app imports them from a module go generate writes, JSModule); the
// transitions every writer applies to the record (create, reset, queue,
// claim, renew, release, answer, failure); the lookup's outcomes, error
// classes and the Lookuper interface; and the mapping from an outcome or
// error class to a status and the Spanish message a person reads.
//
// hooks, routes and the worker decide when a record changes; this package
// decides what the change is, so the rules have one home. It depends on
// PocketBase's core but never on the browser stack: a Lookuper may be the
// Chromium engine in package scraper or, later, a remote agent behind a
// message broker.
package census

// Package pacing owns the registrar's pacing: the minimum gap (plus random
// jitter) between two page loads and between two form posts, kept where
// the registrar sees them, and the record of how much of that allowance the
// lookups used. One Gate, built from one Config, paces the browser's
// requests, sizes the captcha token pipeline and reports its use.
package pacing

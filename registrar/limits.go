package registrar

import "time"

// Limits of a lookup against the sites: how many at once share the browser,
// how many one browser serves, how long the site gets to answer. They live
// here rather than in scraper so config reads them without go-rod; scraper's
// Config documents and validates them.
const (
	// PoolSizeDefault lookups share the browser at once: two cores run 2–4
	// usefully.
	PoolSizeDefault = 2
	// PoolSizeMin is the fewest lookups a browser can serve at once.
	PoolSizeMin = 1
	// PoolSizeMax bounds the pool: past it the lookups only queue up in
	// Chromium and memory.
	PoolSizeMax = 64

	// RecycleAfterDefault lookups are served by one browser before it is
	// replaced, bounding leaks in Chromium and Rod.
	RecycleAfterDefault = 200
	// RecycleAfterMin is the fewest lookups a browser serves.
	RecycleAfterMin = 1

	// LookupTimeoutDefault bounds the browser part of one lookup: the site
	// answers in well under a second when it is well.
	LookupTimeoutDefault = 45 * time.Second
	// LookupTimeoutMin is the shortest budget a page load can fit.
	LookupTimeoutMin = time.Second
	// LookupTimeoutMax is the longest a lookup may hold a pool slot.
	LookupTimeoutMax = 10 * time.Minute
)

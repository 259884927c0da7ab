package fakeregistrar

import (
	"net/http"
	"time"
)

// Arrival is one request to either site's pages or lookup endpoints, stamped
// the moment the fake's handler received it: the registrar's own view of
// pacing, whatever the client believes it sent.
type Arrival struct {
	At     time.Time
	Method string
	Path   string
}

// Lookup reports whether the request belongs to a lookup: a site page load
// or a lookup post (CORS preflights, assets and mounted fakes excluded).
func (a Arrival) Lookup() bool {
	switch a.Path {
	case WSPPath, EleccionesPath, APIPath:
		return a.Method == http.MethodGet || a.Method == http.MethodPost
	}
	return false
}

// Arrivals returns every request that reached the sites' pages and lookup
// endpoints, in arrival order.
func (s *Server) Arrivals() []Arrival {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Arrival(nil), s.arrivals...)
}

// noteArrival records r before any handler runs.
func (s *Server) noteArrival(r *http.Request) {
	a := Arrival{At: time.Now(), Method: r.Method, Path: r.URL.Path}
	if !a.Lookup() {
		return
	}
	s.mu.Lock()
	s.arrivals = append(s.arrivals, a)
	s.mu.Unlock()
}

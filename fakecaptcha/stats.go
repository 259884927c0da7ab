package fakecaptcha

// Stats is what the fake saw, so tests can assert the client's traffic.
type Stats struct {
	Submits     int          // tasks accepted
	Refused     int          // submits turned away (busy, zero balance, bad parameters)
	Polls       int          // result polls, ready or not
	Solves      int          // tasks whose token was handed out
	ReportedBad []string     // task ids reported as rejected, in order
	Tasks       []TaskRecord // what each accepted submit asked for, in order
}

// TaskRecord is one accepted submit as the client sent it.
type TaskRecord struct {
	API       string // "classic" or "task"
	ID        string // the id the fake issued
	Key       string // the API key used
	SiteKey   string // googlekey / websiteKey
	PageURL   string // pageurl / websiteURL
	UserAgent string // userAgent, if sent
	Type      string // task type (task API) or method (classic)
}

// Stats sums what every key saw; slices keep their order within a key.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum Stats
	for _, a := range s.accounts {
		sum.add(a.stats)
	}
	return sum
}

// StatsFor is what one key saw, for tests sharing a fake.
func (s *Server) StatsFor(key string) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Stats
	if a := s.accounts[key]; a != nil {
		out.add(a.stats)
	}
	return out
}

// add accumulates o into st, copying slices so callers never alias state.
func (st *Stats) add(o Stats) {
	st.Submits += o.Submits
	st.Refused += o.Refused
	st.Polls += o.Polls
	st.Solves += o.Solves
	st.ReportedBad = append(st.ReportedBad, o.ReportedBad...)
	st.Tasks = append(st.Tasks, o.Tasks...)
}

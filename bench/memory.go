package bench

import (
	"sync"
	"time"
)

// memSample is the server's and its Chromium family's memory at one moment.
type memSample struct {
	server, chromium memKiB
}

// sample reads s's memory now.
func sample(s *server) memSample {
	srv, chr := s.memory()
	return memSample{server: srv, chromium: chr}
}

// peakSampler samples a server's memory until stopped and keeps the peaks.
type peakSampler struct {
	stopOnce sync.Once
	stopped  chan struct{}
	done     chan struct{}
	peak     memSample
}

// samplePeaks starts sampling s every interval.
func samplePeaks(s *server, interval time.Duration) *peakSampler {
	p := &peakSampler{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			m := sample(s)
			p.peak.server.RSS = max(p.peak.server.RSS, m.server.RSS)
			p.peak.server.PSS = max(p.peak.server.PSS, m.server.PSS)
			p.peak.chromium.RSS = max(p.peak.chromium.RSS, m.chromium.RSS)
			p.peak.chromium.PSS = max(p.peak.chromium.PSS, m.chromium.PSS)
			p.peak.chromium.Procs = max(p.peak.chromium.Procs, m.chromium.Procs)
			select {
			case <-p.stopped:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// stop ends sampling and returns the peaks.
func (p *peakSampler) stop() memSample {
	p.stopOnce.Do(func() { close(p.stopped) })
	<-p.done
	return p.peak
}

// mib converts KiB to MiB.
func mib(kib int64) float64 { return float64(kib) / 1024 }

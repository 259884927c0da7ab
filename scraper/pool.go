package scraper

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// errClosed is returned by lookups that start after Close.
var errClosed = errors.New("scraper engine closed")

// pool shares one long-lived Chromium between at most size lookups. It
// launches the browser on first use and replaces it after recycleAfter
// lookups or when it died; a replaced browser is closed once its in-flight
// lookups finish.
type pool struct {
	bin          string
	recycleAfter int
	logger       *slog.Logger
	slots        chan struct{}

	mu        sync.Mutex
	cur       *browser
	launching *launchOp
	live      map[*browser]struct{} // current and retiring browsers
	closed    bool
	closing   sync.WaitGroup // launches and closes running in the background
	closeErrs []error        // what background closes reported
}

// launchOp is one launch that several acquirers may wait for.
type launchOp struct {
	done chan struct{}
	err  error
}

func newPool(bin string, size, recycleAfter int, logger *slog.Logger) *pool {
	return &pool{
		bin:          bin,
		recycleAfter: recycleAfter,
		logger:       logger,
		slots:        make(chan struct{}, size),
		live:         map[*browser]struct{}{},
	}
}

// acquire waits for a free slot and returns the browser to use; every
// successful acquire must be paired with a release.
func (p *pool) acquire(ctx context.Context) (*browser, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			<-p.slots
			return nil, errClosed
		}
		if b := p.cur; b != nil && (b.dead() || b.uses >= p.recycleAfter) {
			p.logger.Info("recycling chromium", "pid", b.pid, "lookups", b.uses, "dead", b.dead())
			p.retireLocked(b)
		}
		if b := p.cur; b != nil {
			b.uses++
			b.inflight++
			p.mu.Unlock()
			return b, nil
		}
		op := p.launching
		if op == nil {
			op = &launchOp{done: make(chan struct{})}
			p.launching = op
			p.closing.Add(1)
			go p.launch(op)
		}
		p.mu.Unlock()

		select {
		case <-op.done:
		case <-ctx.Done():
			<-p.slots
			return nil, ctx.Err()
		}
		if op.err != nil {
			<-p.slots
			return nil, op.err
		}
	}
}

// launch starts a browser for op; it is detached from any one lookup so a
// cancelled lookup does not fail the others waiting for the same launch.
func (p *pool) launch(op *launchOp) {
	defer p.closing.Done()
	ctx, cancel := context.WithTimeout(context.Background(), launchTimeout)
	defer cancel()
	p.sweepProfiles()
	profile, err := newProfileDir(profileRoot())
	var b *browser
	if err == nil {
		b, err = launch(ctx, p.bin, profile)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.launching = nil
	op.err = err
	switch {
	case err != nil:
		p.logger.Error("chromium launch failed", "bin", p.bin, "err", err)
	case p.closed:
		op.err = errClosed
		p.live[b] = struct{}{}
		p.retireLocked(b)
	default:
		p.logger.Info("chromium launched", "pid", b.pid)
		p.cur = b
		p.live[b] = struct{}{}
	}
	close(op.done)
}

// release hands back a slot taken by acquire.
func (p *pool) release(b *browser) {
	p.mu.Lock()
	b.inflight--
	if b.retired && b.inflight == 0 {
		p.closeLocked(b)
	}
	p.mu.Unlock()
	<-p.slots
}

// retireLocked stops handing b out and closes it once idle.
func (p *pool) retireLocked(b *browser) {
	if p.cur == b {
		p.cur = nil
	}
	if b.retired {
		return
	}
	b.retired = true
	if b.inflight == 0 {
		p.closeLocked(b)
	}
}

// closeLocked closes b in the background; Close waits for it.
func (p *pool) closeLocked(b *browser) {
	if _, ok := p.live[b]; !ok {
		return
	}
	delete(p.live, b)
	p.closing.Add(1)
	go func() {
		defer p.closing.Done()
		err := b.close()
		if err != nil {
			p.logger.Error("closing chromium", "pid", b.pid, "err", err)
		}
		p.mu.Lock()
		if err != nil {
			p.closeErrs = append(p.closeErrs, err)
		}
		p.mu.Unlock()
	}()
}

// close kills every browser at once, in-flight lookups or not, and waits
// until their processes are gone.
func (p *pool) close() error {
	p.mu.Lock()
	p.closed = true
	for b := range p.live {
		b.retired = true
		p.closeLocked(b)
	}
	p.cur = nil
	p.mu.Unlock()
	p.closing.Wait()
	p.sweepProfiles() // leftovers of an earlier crash, if no launch took them

	p.mu.Lock()
	defer p.mu.Unlock()
	err := errors.Join(p.closeErrs...)
	p.closeErrs = nil
	return err
}

// sweepProfiles removes profiles left behind by browsers that died with
// their process (see sweepProfiles in profile.go), logging what it did.
func (p *pool) sweepProfiles() {
	n, err := sweepProfiles(profileRoot(), time.Now())
	if n > 0 {
		p.logger.Info("removed chromium profiles left by an earlier crash", "count", n, "dir", profileRoot())
	}
	if err != nil {
		p.logger.Warn("sweeping chromium profiles", "err", err)
	}
}

// current returns the browser new lookups would use, for tests and the
// benchmark (nil before the first lookup).
func (p *pool) current() *browser {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur
}

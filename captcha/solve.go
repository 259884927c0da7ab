package captcha

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// protocol is what differs between the two wire APIs; solve drives it.
type protocol interface {
	// submit hands the task to the service and returns its id.
	submit(ctx context.Context, task Task) (string, error)
	// poll asks for the result: ready reports whether token is final.
	poll(ctx context.Context, id string) (token string, ready bool, err error)
}

// solve runs the submit–wait–poll cycle shared by both APIs within
// cfg.Deadline, backing off while the service is busy.
func solve(ctx context.Context, cfg *Config, p protocol, task Task) (Token, error) {
	if err := checkTask(task); err != nil {
		return Token{}, err
	}
	if err := ctx.Err(); err != nil {
		return Token{}, fmt.Errorf("captcha: solve not started: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.Deadline)
	defer cancel()

	id, err := submit(ctx, sctx, cfg, p, task)
	if err != nil {
		return Token{}, err
	}
	if err := pause(sctx, cfg.FirstPoll); err != nil {
		return Token{}, interrupted(ctx, cfg, "waiting for task "+id, nil)
	}
	var lastErr error
	for {
		token, ready, err := p.poll(sctx, id)
		switch {
		case err == nil && ready:
			return Token{Value: token, ID: id}, nil
		case err != nil && sctx.Err() != nil:
			return Token{}, interrupted(ctx, cfg, "polling task "+id, lastErr)
		case err != nil && !transient(err):
			return Token{}, err
		case err != nil:
			lastErr = err
		}
		if err := pause(sctx, cfg.PollInterval); err != nil {
			return Token{}, interrupted(ctx, cfg, "polling task "+id, lastErr)
		}
	}
}

// submit submits task, backing off and resubmitting while the service is
// busy, until sctx ends.
func submit(ctx, sctx context.Context, cfg *Config, p protocol, task Task) (string, error) {
	var busy error // the latest busy answer, if any
	for {
		id, err := p.submit(sctx, task)
		switch {
		case err == nil:
			return id, nil
		case sctx.Err() == nil && !errors.Is(err, ErrBusy):
			return "", err
		case sctx.Err() == nil:
			busy = err
			if pause(sctx, cfg.BusyBackoff) == nil {
				continue
			}
		}
		if ctx.Err() == nil && busy != nil {
			// Out of time while the service stayed busy: busy is the
			// actionable cause, not the deadline.
			return "", fmt.Errorf("captcha: still busy after %s: %w", cfg.Deadline, busy)
		}
		return "", interrupted(ctx, cfg, "submitting", err)
	}
}

// transient reports whether a poll error is worth another poll: network
// trouble, an odd HTTP answer, or a rate limit — anything but a verdict of
// the service.
func transient(err error) bool {
	var se *ServiceError
	return !errors.As(err, &se) || errors.Is(err, ErrBusy)
}

// pause waits d unless ctx ends first; it never sleeps blindly.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// interrupted tells why a solve stopped early: the caller's ctx (its error
// wrapped) or our own deadline (ErrTimeout). last is the most recent
// transient failure, for the message.
func interrupted(ctx context.Context, cfg *Config, stage string, last error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("captcha: %s: %w", stage, err)
	}
	if errors.Is(last, ErrUnreachable) {
		// The service stopped answering: that, not the deadline, is the cause.
		return fmt.Errorf("captcha: no token within %s (%s): %w: %w", cfg.Deadline, stage, ErrTimeout, last)
	}
	if last != nil {
		return fmt.Errorf("captcha: no token within %s (%s; last error: %v): %w", cfg.Deadline, stage, last, ErrTimeout)
	}
	return fmt.Errorf("captcha: no token within %s (%s): %w", cfg.Deadline, stage, ErrTimeout)
}

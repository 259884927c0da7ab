package tokens

import "time"

// solveAlpha weighs the newest solve in the observed solve time: a few
// solves move the estimate, one odd solve does not.
const solveAlpha = 0.3

// estimator tracks the captcha service's solve time.
type estimator struct {
	initial time.Duration
	ewma    time.Duration // 0 until the first solve finished
}

// observe feeds one finished solve.
func (e *estimator) observe(d time.Duration) {
	if e.ewma == 0 {
		e.ewma = d
		return
	}
	e.ewma = time.Duration(solveAlpha*float64(d) + (1-solveAlpha)*float64(e.ewma))
}

// estimate is the solve time to plan with: the observed average, or the
// initial guess before any solve finished, but never less than the age of
// the oldest solve still running, so a service that slows down is noticed
// before its slow solves finish.
func (e *estimator) estimate(oldestInFlight time.Duration) time.Duration {
	est := e.ewma
	if est == 0 {
		est = e.initial
	}
	return max(est, oldestInFlight)
}

// target is how many tokens to keep solving or ready so that one is ready
// whenever the pacing gate opens: the gate takes one per gap, so a solve
// must start solve/gap gaps ahead, plus one spare. It lies between 1 and
// most; with no gap (unpaced) every allowed solve runs at once.
func target(solve, gap time.Duration, most int) int {
	if gap <= 0 {
		return most
	}
	n := int((solve+gap-1)/gap) + 1
	return min(max(n, 1), most)
}

package census

import "github.com/pocketbase/pocketbase/core"

// Kind is why a check was queued; Claim serves the kinds in this order, so
// a new member learns where they vote before anyone's refresh, and
// refreshes people asked for before the periodic revalidation.
type Kind string

// The kinds of check, in the order Claim serves them.
const (
	// KindFirst is a new registration's or a changed cédula's check.
	KindFirst Kind = "first"
	// KindRefresh is a check someone asked for again (refresh, bulk refresh).
	KindRefresh Kind = "refresh"
	// KindRevalidate is the worker's periodic check of an old answer.
	KindRevalidate Kind = "revalidate"
)

// Kinds lists every kind, for the select field and the worker's status.
var Kinds = []Kind{KindFirst, KindRefresh, KindRevalidate}

// Request is who asks for a check and why; Claim takes turns among the
// requesters of one kind.
type Request struct {
	// Kind orders the queue; empty counts as KindRefresh.
	Kind Kind
	// By is the requester's user id: the leader whose link brought a new
	// member (or the member), the user who asked for a refresh. Empty for
	// revalidations, which share one turn.
	By string
}

// FirstCheck is the request behind a new user's check: their inviter's
// turn, or their own when nobody invited them.
func FirstCheck(user *core.Record) Request {
	by := user.GetString("referred_by")
	if by == "" {
		by = user.Id
	}
	return Request{Kind: KindFirst, By: by}
}

// setRequest records req on info for Claim's order.
func setRequest(info *core.Record, req Request) {
	if req.Kind == "" {
		req.Kind = KindRefresh
	}
	info.Set("queue_kind", string(req.Kind))
	info.Set("queued_by", req.By)
}

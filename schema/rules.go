package schema

// Rules the server's live feeds know by heart. A feed compares the rule
// stored in the database with these: while they are equal it computes the
// recipients of an event once (a fast path with the same answer); once a
// superuser edits the rule in the dashboard, it asks PocketBase's rule
// engine per subscriber instead. The migrations ship exactly these strings.

// ReferidosRule is the referidos view's shipped list and view rule: a user
// sees the people they referred directly.
const ReferidosRule = `referred_by = @request.auth.id`

// MarksReadRule is vote_marks' shipped list and view rule: the marked
// person and the managers above them (SeesUserRule), and whoever made the
// mark.
var MarksReadRule = `(` + SeesUserRule("user") + `) || marked_by = @request.auth.id`

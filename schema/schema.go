// Package schema names Padrón's collections, roles and schema constants once,
// so runtime code, migrations and tests agree without runtime code importing
// the migrations.
package schema

// Collections.
const (
	// UsersCollection holds members, leaders and their auth.
	UsersCollection = "users"
	// CedulaInfoCollection holds one census record per user, the check's queue state included.
	CedulaInfoCollection = "cedula_info"
	// AttemptsCollection is the superuser-only history of every census attempt, evidence included.
	AttemptsCollection = "census_attempts"
	// BreakerCollection holds the block breaker's one row, so a restart during a block keeps cooling off.
	BreakerCollection = "census_breaker"
	// ClaimsCollection holds cédula disputes: someone says a registered cédula is theirs.
	ClaimsCollection = "cedula_claims"
	// ReferidosCollection is the view through which every user reads the people they referred: name and date only.
	ReferidosCollection = "referidos"
	// ElectionsCollection holds election days: date, open hours, options; one is current.
	ElectionsCollection = "elections"
	// VoteMarksCollection holds the "ya votó" marks of election day, corrections and undos included.
	VoteMarksCollection = "vote_marks"
	// TestigosCollection holds the campaign's witnesses, one per mesa and election.
	TestigosCollection = "testigos"
	// E14Collection holds the testigos' E-14 counts of their mesa, with a photo of the paper form.
	E14Collection = "e14_reports"
)

// Roles of a user.
const (
	// RoleMember sees their own data and their referidos' names.
	RoleMember = "member"
	// RoleLeader also sees the census data of the people they referred.
	RoleLeader = "leader"
	// RoleCoordinator manages leaders: sees and marks their whole subtree.
	RoleCoordinator = "coordinator"
)

// ManagerRule is the API-rule expression for "the request's auth manages
// people" (a leader or a coordinator): who may mark others and assign testigos.
const ManagerRule = `(@request.auth.role = "` + RoleLeader + `" || @request.auth.role = "` + RoleCoordinator + `")`

const (
	// DefaultReferralGoal is how many referidos a new user aims for.
	DefaultReferralGoal = 10
	// SessionDays is how long an unused "Recordarme" session lasts: the users' auth token duration.
	SessionDays = 14
)

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
	// AttemptsCollection keeps each lookup attempt and its evidence for superusers.
	AttemptsCollection = "census_attempts"
	// BreakerCollection persists the block breaker so a restart does not reset it.
	BreakerCollection = "census_breaker"
	// ReferidosCollection is the view that shows members their direct referidos' names and dates.
	ReferidosCollection = "referidos"
)

// Roles of a user.
const (
	// RoleMember sees their own data and their referidos' names.
	RoleMember = "member"
	// RoleLeader also sees the census data of the people they referred.
	RoleLeader = "leader"
)

const (
	// DefaultReferralGoal is how many referidos a new user aims for.
	DefaultReferralGoal = 10
	// SessionDays is how long a "Recordarme" login lasts.
	SessionDays = 14
)

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
	// AgentKeysCollection holds the lookup agents' credentials, superuser-only; revoking one disconnects its agent.
	AgentKeysCollection = "agent_keys"
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
	// SessionDays is how long an unused "Recordarme" session lasts: the users' auth token duration.
	SessionDays = 14
)

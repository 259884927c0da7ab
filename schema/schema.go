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
	// NetworkCollection is the referral tree's closure table: one row per
	// (ancestor, descendant) pair, a depth-0 row per person, so "is X below Y"
	// is one index lookup at any depth.
	NetworkCollection = "network"
	// CampaignCollection holds the campaign's one record: its brand, the data controller and the purge dates.
	CampaignCollection = "campaign"
	// ConsentsCollection is the append-only record of every authorisation given or withdrawn (habeas data).
	ConsentsCollection = "consents"
	// DataExportsCollection is the superuser-only log of every export of other people's data.
	DataExportsCollection = "data_exports"
	// DataPurgesCollection is the superuser-only log of the scheduled deletions the server ran.
	DataPurgesCollection = "data_purges"
	// AgentKeysCollection holds the lookup agents' credentials, superuser-only; revoking one disconnects its agent.
	AgentKeysCollection = "agent_keys"
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
	// RoleCoordinator also manages their subtree: roles, goals and moves below them.
	RoleCoordinator = "coordinator"
)

// ManagerRule is the API-rule expression for "the request's auth manages
// people" (a leader or a coordinator): who may mark others and assign testigos.
const ManagerRule = `(@request.auth.role = "` + RoleLeader + `" || @request.auth.role = "` + RoleCoordinator + `")`

const (
	// DefaultReferralGoal is how many referidos a new user aims for.
	DefaultReferralGoal = 10
	// PolicyVersion is the version of the data policy the app ships; the campaign record's
	// policy_version starts here and a superuser bumps it when the policy or the controller changes.
	PolicyVersion = "2026-12"
	// SessionDays is how long an unused "Recordarme" session lasts: the users' auth token duration.
	SessionDays = 14
)

// UsersCreatedIndex orders users by (created, id) (migration
// 1764600100_users_created_id): a page of the newest needs no sort.
const UsersCreatedIndex = "idx_users_created_id"

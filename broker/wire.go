package broker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/padron/padron/census"
)

// Subjects and streams of the lookup queue.
const (
	// ChecksStream holds the attempts waiting for an agent (WorkQueue
	// retention: a message leaves once an agent acks it).
	ChecksStream = "PADRON_CHECKS"
	// ChecksSubject is where the server publishes attempts.
	ChecksSubject = "padron.checks"
	// AgentsConsumer is the one durable pull consumer all agents share.
	AgentsConsumer = "agents"
	// ResultsStream holds the agents' answers until the server applied them.
	ResultsStream = "PADRON_RESULTS"
	// ResultsPrefix + ".<connection id>" is where agents publish answers:
	// the embedded broker lets a connection publish only on its own id, so
	// the server credits the key that connection logged in with, whatever
	// name the answer carries (ResultsSubject).
	ResultsPrefix = "padron.results"
	// ServerConsumer is the server's durable consumer of ResultsStream.
	ServerConsumer = "server"
	// ConfirmPrefix + ".<check>.<attempt>" tells the agent the server holds
	// its answer, so the agent may ack the check.
	ConfirmPrefix = "padron.confirm"
	// HeartbeatPrefix + ".<connection id>" carries each agent's status: the
	// embedded broker lets a connection publish only on its own id, so the
	// server knows which key a heartbeat comes from (HeartbeatSubject).
	HeartbeatPrefix = "padron.agents"
)

// HeartbeatSubject is where the agent on broker connection clientID
// publishes its status; the subject, not the payload, says who it is.
func HeartbeatSubject(clientID uint64) string {
	return HeartbeatPrefix + "." + strconv.FormatUint(clientID, 10)
}

// ResultsSubject is where the agent on broker connection clientID
// publishes its answers; the subject, not the payload, says who answered.
func ResultsSubject(clientID uint64) string {
	return ResultsPrefix + "." + strconv.FormatUint(clientID, 10)
}

// subjectClient is the connection id subject names after prefix, as
// HeartbeatSubject and ResultsSubject write it.
func subjectClient(prefix, subject string) (uint64, bool) {
	id, ok := strings.CutPrefix(subject, prefix+".")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

// Job is one attempt of one check, as the server publishes it.
type Job struct {
	ID      string `json:"id"`
	Attempt int    `json:"attempt"`
	Round   int64  `json:"round"`
	Cedula  string `json:"cedula"`
	// Deadline is when the server gives the attempt up; an agent that
	// pulls it later skips it.
	Deadline time.Time `json:"deadline"`
}

// key names the attempt, the fence results are matched by.
func (j Job) key() string { return attemptKey(j.ID, j.Round, j.Attempt) }

// attemptKey names one attempt of one request of one check: the fence
// answers are matched by, and the message id de-duplication uses.
func attemptKey(id string, round int64, attempt int) string {
	return fmt.Sprintf("%s.%d.%d", id, round, attempt)
}

// ConfirmSubject is the subject the server confirms an attempt's answer on.
func ConfirmSubject(j Job) string { return ConfirmPrefix + "." + j.key() }

// Outcome is an agent's answer to a Job: the result, or the classified
// failure with its evidence, as the in-process worker would store it.
type Outcome struct {
	ID         string `json:"id"`
	Attempt    int    `json:"attempt"`
	Round      int64  `json:"round"`
	Cedula     string `json:"cedula"`
	Agent      string `json:"agent"`
	DurationMS int64  `json:"duration_ms"`

	Result *WireResult `json:"result,omitempty"`

	// Class is the failure's class (census.Classes' names), empty on success.
	Class    string           `json:"class,omitempty"`
	Message  string           `json:"message,omitempty"`
	Evidence *census.Evidence `json:"evidence,omitempty"`
}

// WireResult is census.Result with the fields it keeps off the API.
type WireResult struct {
	census.Result
	Source census.Source `json:"source"`
	Raw    string        `json:"raw"`
}

// NewOutcome describes one lookup's result or failure for the wire.
func NewOutcome(j Job, agent string, res census.Result, lerr error, elapsed time.Duration) Outcome {
	o := Outcome{ID: j.ID, Attempt: j.Attempt, Round: j.Round, Cedula: j.Cedula, Agent: agent, DurationMS: elapsed.Milliseconds()}
	if lerr == nil {
		o.Result = &WireResult{Result: res, Source: res.Source, Raw: res.Raw}
		return o
	}
	if c := census.ClassOf(lerr); c != nil {
		o.Class = c.Error()
	}
	o.Message = lerr.Error()
	var le *census.LookupError
	if errors.As(lerr, &le) {
		o.Message = le.Message
		if le.Err != nil {
			o.Message += ": " + le.Err.Error()
		}
		o.Evidence = le.Evidence
	}
	return o
}

// Lookup turns the outcome back into what the agent's Lookup returned.
func (o Outcome) Lookup() (census.Result, error) {
	if o.Result != nil {
		r := o.Result.Result
		r.Source, r.Raw = o.Result.Source, o.Result.Raw
		r.Duration = time.Duration(o.DurationMS) * time.Millisecond
		return r, nil
	}
	for _, c := range census.Classes {
		if c.Error() == o.Class {
			return census.Result{}, &census.LookupError{Class: c, Message: o.Message, Evidence: o.Evidence}
		}
	}
	return census.Result{}, errors.New(o.Message)
}

// Elapsed is how long the agent's lookup took.
func (o Outcome) Elapsed() time.Duration { return time.Duration(o.DurationMS) * time.Millisecond }

func (o Outcome) key() string { return attemptKey(o.ID, o.Round, o.Attempt) }

// job is the attempt the outcome answers.
func (o Outcome) job() Job {
	return Job{ID: o.ID, Attempt: o.Attempt, Round: o.Round, Cedula: o.Cedula}
}

// JobMsgID is the Nats-Msg-Id the server publishes j with, so a republished
// attempt (after a server restart) is dropped as a duplicate.
func JobMsgID(j Job) string { return j.key() }

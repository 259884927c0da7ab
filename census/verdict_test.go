package census_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/padron/padron/census"
)

func TestStatusOfEveryOutcome(t *testing.T) {
	t.Parallel()
	for o, want := range map[census.Outcome]string{
		census.OutcomeFound:             census.StatusActive,
		census.OutcomeNotFound:          census.StatusNotFound,
		census.OutcomeCancelledDeceased: census.StatusCancelledDeceased,
		census.OutcomeCancelledOther:    census.StatusCancelledOther,
		"maybe":                         "",
	} {
		if got := census.StatusOf(o); got != want {
			t.Errorf("StatusOf(%q) = %q, want %q", o, got, want)
		}
	}
}

// TestFailureVerdicts pins, for every class and for unclassified errors,
// whether it is retried, the status it ends in and the message a person
// reads, which must name who failed.
func TestFailureVerdicts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err       error
		retryable bool
		status    string
		says      string
	}{
		{census.ErrBlocked, true, census.StatusBlocked, "bloqueó"},
		{census.ErrTimeout, true, census.StatusTimeout, "no respondió a tiempo"},
		{census.ErrCaptcha, true, census.StatusError, "no se pudo resolver el captcha"},
		{census.ErrCaptchaConfig, false, census.StatusError, "un administrador debe revisarlo"},
		{census.ErrCaptchaUnreachable, true, census.StatusError, "el servicio de captcha no respondió"},
		{census.ErrTransient, true, census.StatusError, "falla momentánea"},
		{census.ErrSiteChanged, false, census.StatusError, "la página de la registraduría cambió"},
		{errors.New("boom"), false, census.StatusError, "error inesperado"},
		{context.Canceled, false, census.StatusError, "error inesperado"},
	}
	if len(cases) != len(census.Classes)+2 {
		t.Fatalf("%d cases for %d classes: a class has no verdict test", len(cases), len(census.Classes))
	}
	for _, tc := range cases {
		// As the worker sees them: wrapped, with a cause.
		err := fmt.Errorf("lookup: %w", census.Fail(tc.err, errors.New("cause"), "detail"))
		if census.ClassOf(tc.err) == nil {
			err = tc.err
		}
		t.Run(tc.err.Error(), func(t *testing.T) {
			t.Parallel()
			if got := census.Retryable(err); got != tc.retryable {
				t.Errorf("Retryable = %v, want %v", got, tc.retryable)
			}
			if got := census.FailedStatus(err); got != tc.status {
				t.Errorf("FailedStatus = %q, want %q", got, tc.status)
			}
			if got := census.Message(err); !strings.Contains(strings.ToLower(got), tc.says) {
				t.Errorf("Message = %q, want it to say %q", got, tc.says)
			}
		})
	}
	if strings.Contains(strings.ToLower(census.Message(census.ErrCaptchaUnreachable)), "registraduría tuvo") {
		t.Error("an unreachable captcha service must not be blamed on the registrar")
	}
}

// TestStatusSets pins the one definition of answers, settled and in-flight
// statuses: not_found is an answer revalidation refreshes but not settled,
// since it changes when the person enrols.
func TestStatusSets(t *testing.T) {
	t.Parallel()
	type sets struct{ answer, settled, inFlight bool }
	want := map[string]sets{
		census.StatusPending:           {inFlight: true},
		census.StatusProcessing:        {inFlight: true},
		census.StatusActive:            {answer: true, settled: true},
		census.StatusNotFound:          {answer: true},
		census.StatusCancelledDeceased: {answer: true, settled: true},
		census.StatusCancelledOther:    {answer: true, settled: true},
		census.StatusError:             {},
		census.StatusTimeout:           {},
		census.StatusBlocked:           {},
	}
	if len(want) != len(census.Statuses) {
		t.Fatalf("%d statuses tested, %d exist", len(want), len(census.Statuses))
	}
	for _, s := range census.Statuses {
		got := sets{census.IsAnswer(s), census.IsSettled(s), census.IsInFlight(s)}
		if got != want[s] {
			t.Errorf("%s: answer/settled/in flight = %+v, want %+v", s, got, want[s])
		}
	}
}

package config

import "testing"

// TestLooksUpWithBroker: without a broker the worker setting alone decides;
// with one the server looks up only when PADRON_WORKER=true was given.
func TestLooksUpWithBroker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, nil, true},
		{map[string]string{"PADRON_WORKER": "false"}, nil, false},
		{map[string]string{"PADRON_BROKER": "embedded"}, nil, false},
		{map[string]string{"PADRON_BROKER": "embedded", "PADRON_WORKER": "true"}, nil, true},
		{map[string]string{"PADRON_BROKER": "nats://127.0.0.1:4222"}, []string{"--worker=true"}, true},
		{map[string]string{"PADRON_BROKER": "nats://127.0.0.1:4222"}, []string{"--worker=false"}, false},
	} {
		c, err := load(t, tc.env, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.LooksUp(); got != tc.want {
			t.Errorf("env %v args %v: LooksUp %v, want %v", tc.env, tc.args, got, tc.want)
		}
	}
	if _, err := load(t, map[string]string{"PADRON_BROKER_TLS_CERT": "/etc/cert.pem"}); err == nil {
		t.Error("a TLS certificate without its key was accepted")
	}
}

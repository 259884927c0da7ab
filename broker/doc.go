// Package broker hands census lookups to padron agent processes on other
// machines through NATS JetStream, while the server stays the system of
// record: the census worker still claims, leases, retries and stores every
// check; its Lookuper (Remote) publishes each attempt to a work-queue
// stream and waits for the agent's answer on a results stream, applying it
// fenced by check and attempt. The broker is embedded (a NATS server with
// JetStream inside Padrón, agents authenticated by agent keys) or an
// external NATS cluster.
package broker

package broker_test

import (
	"github.com/nats-io/nats.go"
	"github.com/pocketbase/dbx"
)

func dbxIn(field string, users map[string]string) dbx.Expression {
	ids := make([]any, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	return dbx.In(field, ids...)
}

func dbxEq(field, v string) dbx.Expression { return dbx.HashExp{field: v} }

func natsConnect(url, key string) (*nats.Conn, error) { return nats.Connect(url, nats.Token(key)) }

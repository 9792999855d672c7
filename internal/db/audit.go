package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Actor is who makes a change: a staff account, or the command line (ID 0).
type Actor struct {
	ID   int64
	Name string
}

// CommandLine is the actor of changes made with the zhenxing command.
var CommandLine = Actor{Name: "命令行"}

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID        int64           `db:"id"`
	At        time.Time       `db:"at"`
	ActorID   *int64          `db:"actor_id"`
	ActorName string          `db:"actor_name"`
	Action    string          `db:"action"`
	Entity    string          `db:"entity"`
	EntityID  string          `db:"entity_id"`
	Before    json.RawMessage `db:"before"`
	After     json.RawMessage `db:"after"`
	Note      string          `db:"note"`
}

// RecordAudit writes one audit entry inside tx, so the entry exists exactly when the change does.
// before and after are marshalled to JSON; nil stays NULL.
func RecordAudit(ctx context.Context, tx pgx.Tx, actor Actor, action, entity, entityID string, before, after any, note string) error {
	toJSON := func(v any) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := toJSON(before)
	if err != nil {
		return fmt.Errorf("audit before: %w", err)
	}
	a, err := toJSON(after)
	if err != nil {
		return fmt.Errorf("audit after: %w", err)
	}
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, actorID, actor.Name, action, entity, entityID, b, a, note)
	if err != nil {
		return fmt.Errorf("record audit: %w", err)
	}
	return nil
}

// AuditQuery selects audit entries; zero values mean any.
type AuditQuery struct {
	Entity   string
	EntityID string
	Limit    int // 0 means 50
	Offset   int
}

// Audit lists audit entries, newest first. An empty result is not an error.
func Audit(ctx context.Context, pool *pgxpool.Pool, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	rows, err := pool.Query(ctx, `SELECT id, at, actor_id, actor_name, action, entity, entity_id, before, after, note
		FROM audit_log
		WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2)
		ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4`, q.Entity, q.EntityID, q.Limit, q.Offset)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AuditEntry])
}

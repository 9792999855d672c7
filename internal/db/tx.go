package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// InTx runs fn in a transaction on the pool: committed when fn returns nil, rolled back when it
// returns an error (which InTx returns unchanged) or panics.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}

// InTwoTrips runs a transaction in two round trips on one connection of the pool, for a change
// that reads and locks rows, decides in Go, and writes: BEGIN travels with the queries of read,
// whose queued callbacks (pgx.QueuedQuery.Query and the like) receive their results; then write
// returns the batch of writes, which travels with COMMIT. An error from a callback, from write or
// from any query rolls the transaction back and is returned unchanged; nothing is committed then.
// A write that returns an empty batch commits what read did.
func InTwoTrips(ctx context.Context, pool *pgxpool.Pool, read *pgx.Batch, write func() (*pgx.Batch, error)) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if conn.Conn().PgConn().TxStatus() != 'I' {
			// The transaction is still open (a callback or write failed) or aborted (a query
			// failed): roll it back, even if ctx is done, so that the connection can be reused.
			// Should that fail too, Release closes the connection rather than pool it.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_, _ = conn.Exec(rctx, "rollback")
			cancel()
		}
		conn.Release()
	}()
	first := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, read.Len()+1)}
	first.Queue("begin")
	first.QueuedQueries = append(first.QueuedQueries, read.QueuedQueries...)
	if err := conn.SendBatch(ctx, first).Close(); err != nil {
		return err
	}
	last, err := write()
	if err != nil {
		return err
	}
	last.Queue("commit").Exec(func(tag pgconn.CommandTag) error {
		if tag.String() != "COMMIT" {
			return fmt.Errorf("commit: the transaction was rolled back (%s)", tag)
		}
		return nil
	})
	return conn.SendBatch(ctx, last).Close()
}

package order

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing/internal/db"
)

// Expire cancels the unpaid orders whose payment deadline has passed and releases their stock,
// a batch per transaction until none is left, and returns how many it cancelled. It is safe to
// run on several replicas at once: each batch locks its orders with FOR UPDATE SKIP LOCKED and
// takes only orders still unpaid, so each order is cancelled, and its stock released, exactly
// once. It returns only database errors (what it committed before one stays committed).
func (s *Orders) Expire(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.expireBatch(ctx)
		total += n
		if err != nil || n < s.db.cfg.ExpiryBatch {
			return total, err
		}
	}
}

func (s *Orders) expireBatch(ctx context.Context) (int, error) {
	n := 0
	err := db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		now := s.db.now()
		rows, err := tx.Query(ctx, `SELECT id, number, checkout_id, state, total, refunded, pay_by FROM orders
			WHERE state = 'unpaid' AND pay_by <= $1 ORDER BY pay_by, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
			now, s.db.cfg.ExpiryBatch)
		if err != nil {
			return fmt.Errorf("select expired orders: %w", err)
		}
		due, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lockedOrder, error) {
			var o lockedOrder
			return o, r.Scan(&o.ID, &o.Number, &o.CheckoutID, &o.State, &o.Total, &o.Refunded, &o.PayBy)
		})
		if err != nil {
			return fmt.Errorf("select expired orders: %w", err)
		}
		n = len(due)
		for i := range due {
			o := &due[i]
			if err := o.moveTo(ctx, tx, StateCanceled, System, "超过付款期限未付款，订单自动取消", now, nil); err != nil {
				return err
			}
			if err := releaseStock(ctx, tx, o.ID, o.Number, System, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Run calls Expire at once and then every Config.ExpiryEvery until ctx is cancelled, logging
// what it cancelled and any error to Config.Log (and trying again at the next tick). It returns when ctx is
// done.
func (s *Orders) Run(ctx context.Context) {
	t := time.NewTicker(s.db.cfg.ExpiryEvery)
	defer t.Stop()
	for {
		n, err := s.Expire(ctx)
		log := s.db.cfg.Log
		switch {
		case err != nil && ctx.Err() == nil && db.IsUnavailable(err):
			log.Warn("order expiry: database unavailable, trying again later", "err", err)
		case err != nil && ctx.Err() == nil:
			log.Error("order expiry", "err", err, "cancelled", n)
		case n > 0:
			log.Info("order expiry", "cancelled", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

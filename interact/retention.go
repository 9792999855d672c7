package interact

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing/internal/db"
)

// Retention: the personal data of a case (the applicant of a request, the contact of a message,
// a comment or an error report) is deleted a number of years (RETENTION_YEARS) after the case is
// closed. The cases themselves stay, without it, so that the yearly statistics do not change.

// DefaultRetentionYears is how long personal data is kept after a case closes by default.
const DefaultRetentionYears = 3

// PersonalData is a store that holds personal data of closed cases.
type PersonalData interface {
	// PurgePersonal clears the personal data of every case closed before closedBefore and
	// returns how many cases it cleared. Running it again, or on two replicas at once, is
	// harmless: each case is cleared by a conditional update, once.
	PurgePersonal(ctx context.Context, closedBefore time.Time) (int64, error)
}

// RetentionCutoff is the moment before which a case closed has its personal data deleted at now:
// years whole years earlier.
func RetentionCutoff(now time.Time, years int) time.Time { return now.AddDate(-years, 0, 0) }

// PurgeExpired clears, in each store, the personal data of the cases closed more than years
// before now, and returns how many cases were cleared in all. It goes on past a store that
// fails and returns the first error.
func PurgeExpired(ctx context.Context, now time.Time, years int, stores ...PersonalData) (int64, error) {
	var total int64
	var first error
	for _, s := range stores {
		n, err := s.PurgePersonal(ctx, RetentionCutoff(now, years))
		total += n
		if err != nil && first == nil {
			first = err
		}
	}
	return total, first
}

// PurgePersonal clears the applicant of every request closed before closedBefore, and deletes
// the files sent with its reply; the request, its category, outcome and steps stay for the
// annual report.
func (r *Requests) PurgePersonal(ctx context.Context, closedBefore time.Time) (int64, error) {
	var n int64
	err := db.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM disclosure_request_files f USING disclosure_requests q
			WHERE q.id = f.request_id AND q.closed_at < $1`, closedBefore)
		if err != nil {
			return fmt.Errorf("purge reply files: %w", err)
		}
		tag, err := tx.Exec(ctx, `UPDATE disclosure_requests SET applicant = NULL
			WHERE closed_at < $1 AND applicant IS NOT NULL`, closedBefore)
		if err != nil {
			return fmt.Errorf("purge applicants: %w", err)
		}
		n = tag.RowsAffected()
		return nil
	})
	return n, err
}

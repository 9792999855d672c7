package interact

import (
	"context"
	"fmt"
	"time"

	"zhenxing"
)

// Yearly counts for the site's own yearly report (政府网站工作年度报表): what came in through each
// channel in a year, Beijing time, and what was done with it.

func yearBounds(year int) (start, end time.Time) {
	start = time.Date(year, 1, 1, 0, 0, 0, 0, zhenxing.Beijing)
	return start, start.AddDate(1, 0, 0)
}

// MessageYear is a year of the director's mailbox: letters received, answered (and the average
// working days from receipt to answer), and answers published.
type MessageYear struct {
	Received, Answered, Published int
	AverageDays                   float64
}

// YearStats counts the letters of the year.
func (ms *Messages) YearStats(ctx context.Context, year int) (MessageYear, error) {
	start, end := yearBounds(year)
	rows, err := ms.pool.Query(ctx, `SELECT received_at, answered_at, published_at FROM messages
		WHERE (received_at >= $1 AND received_at < $2) OR (answered_at >= $1 AND answered_at < $2)
			OR (published_at >= $1 AND published_at < $2)`, start, end)
	if err != nil {
		return MessageYear{}, fmt.Errorf("message year: %w", err)
	}
	defer rows.Close()
	in := func(t *time.Time) bool { return t != nil && !t.Before(start) && t.Before(end) }
	var y MessageYear
	days := 0
	for rows.Next() {
		var received time.Time
		var answered, published *time.Time
		if err := rows.Scan(&received, &answered, &published); err != nil {
			return MessageYear{}, fmt.Errorf("message year: %w", err)
		}
		if in(&received) {
			y.Received++
		}
		if in(answered) {
			y.Answered++
			days += ms.calendar.Between(received, *answered)
		}
		if in(published) {
			y.Published++
		}
	}
	if y.Answered > 0 {
		y.AverageDays = float64(days) / float64(y.Answered)
	}
	return y, rows.Err()
}

// ConsultationYear is a year of consultations: comments received and summaries published.
type ConsultationYear struct {
	Comments, Summaries int
}

// YearStats counts the comments and summaries of the year.
func (c *Consultations) YearStats(ctx context.Context, year int) (ConsultationYear, error) {
	start, end := yearBounds(year)
	var y ConsultationYear
	err := c.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM consultation_comments WHERE received_at >= $1 AND received_at < $2),
			(SELECT count(*) FROM consultation_summaries WHERE published_at >= $1 AND published_at < $2)`, start, end).
		Scan(&y.Comments, &y.Summaries)
	if err != nil {
		return y, fmt.Errorf("consultation year: %w", err)
	}
	return y, nil
}

// FeedbackYear is a year of error reports: received and closed.
type FeedbackYear struct {
	Received, Closed int
}

// YearStats counts the error reports of the year.
func (f *Feedback) YearStats(ctx context.Context, year int) (FeedbackYear, error) {
	start, end := yearBounds(year)
	var y FeedbackYear
	err := f.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE received_at >= $1 AND received_at < $2),
			count(*) FILTER (WHERE closed_at >= $1 AND closed_at < $2) FROM feedback_reports`, start, end).
		Scan(&y.Received, &y.Closed)
	if err != nil {
		return y, fmt.Errorf("feedback year: %w", err)
	}
	return y, nil
}

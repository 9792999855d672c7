package db

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"zhenxing"
)

// unavailableMessage is what a reader is told while the database cannot be reached.
const unavailableMessage = "暂时无法访问，请稍后再试。"

// IsUnavailable reports whether err means that the database cannot be reached now, so that the
// same request may succeed later:
//
//   - a connection attempt that failed (pgconn.ConnectError), unless the server refused it with
//     an SQLSTATE outside those below (a wrong password or database stays an internal error);
//   - a network error, or a connection the server closed (pgconn.ErrConnClosed, io.EOF or
//     io.ErrUnexpectedEOF, which pgx returns as the socket gave them);
//   - SQLSTATE class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown,
//     57P03 cannot_connect_now and 53300 too_many_connections;
//   - a context deadline that passed while waiting for a connection from the pool (a deadline
//     that passed while a query ran is not: the database answered too slowly, a query to fix).
//
// It returns false for nil and for every other error. It is meant for the errors of database
// calls: an EOF of any other reader would count too.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "53300":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// pgconn wraps the deadlines it meets (pgconn.Timeout); the pool returns its own bare.
		// This comes before net.Error, which context.DeadlineExceeded also implements.
		return !pgconn.Timeout(err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// The server went away in the middle of a message; pgx returns the reader's EOF unwrapped.
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Classify returns err as a zhenxing.EUnavailable error, with a Chinese message fit to show a
// reader and err as its cause, when IsUnavailable(err) and err carries no code other than
// zhenxing.EInternal; otherwise it returns err unchanged (nil for nil).
func Classify(err error) error {
	if zhenxing.ErrorCode(err) != zhenxing.EInternal || !IsUnavailable(err) {
		return err
	}
	return &zhenxing.Error{Code: zhenxing.EUnavailable, Message: unavailableMessage, Err: err}
}

package site

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/db"
)

// The citizens' forms (依申请公开, 领导信箱, 意见征集, 找错) are open to all, so each carries three
// defences that need no third-party service and no JavaScript, besides the CSRF token of an
// anonymous session and the length limit of every field:
//
//   - a rate limit per client address, counted in PostgreSQL (db.Limiter);
//   - a honeypot: a field a person never sees or fills (hidden by CSS and from assistive
//     technology), which a form-filling robot does;
//   - a challenge: a small sum in Chinese numerals (db.Challenges), used once.
//
// A handler that shows such a form puts newGuard's result in its view and renders the
// "formguard" partial inside the form; the handler that receives it calls checkGuard first.

// Guard is what a public form carries besides its own fields.
type Guard struct {
	CSRF      string
	Challenge db.Challenge
	Answer    string // the error of a refused form leaves the field empty: every challenge is used once
}

// honeypotField is the name of the field that only robots fill.
const honeypotField = "website"

// newGuard gives the request an anonymous session (for the CSRF token) and a new challenge.
func (s *Server) newGuard(c *fiber.Ctx) (Guard, error) {
	if err := s.ensureSession(c); err != nil {
		return Guard{}, err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	ch, err := db.NewChallenges(s.deps.DB).New(ctx, s.cfg.Now())
	if err != nil {
		return Guard{}, err
	}
	return Guard{CSRF: csrfOf(c), Challenge: ch}, nil
}

// checkGuard checks a public form received under action (request, message, comment, feedback):
// its rate per client address, the honeypot and the challenge. The CSRF token has been checked
// by checkCSRF. Errors: ETooMany (with Retry-After set), EInvalid with a Chinese message.
func (s *Server) checkGuard(c *fiber.Ctx, action string, rate db.Rate) error {
	if err := s.rateLimit(c, action+":"+s.clientIP(c), rate); err != nil {
		return err
	}
	if formField(c, honeypotField) != "" {
		return zhenxing.Errorf(zhenxing.EInvalid, "提交未被接受：表单中有一栏标明“请勿填写”，请清空该栏后重新提交。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	return db.NewChallenges(s.deps.DB).Solve(ctx, formField(c, "challenge"), formField(c, "challenge_answer"), s.cfg.Now())
}

// refusedForm reads a refusal of a public form: the status and message to show, with the field
// errors beside their fields and summary in place of the message when there are some. Any error
// the user cannot act on comes back as err.
func (s *Server) refusedForm(c *fiber.Ctx, refusal error, summary string) (status int, message string, fields zhenxing.FieldErrors, err error) {
	status, message, shown := s.formStatus(c, refusal)
	if !shown {
		return 0, "", nil, refusal
	}
	if fields = zhenxing.AsFieldErrors(refusal); len(fields) > 0 {
		message = summary
	}
	return status, message, fields, nil
}

// lookupByCode runs find, a lookup by tracking number and secret code, counted under action
// per client address against rate so that codes cannot be guessed. It returns the status to
// answer with and, when refused (a wrong pair, the limit), the message to show; any other error
// comes back as err.
func (s *Server) lookupByCode(c *fiber.Ctx, action string, rate db.Rate, find func(ctx context.Context) error) (status int, message string, err error) {
	err = s.rateLimit(c, action+":"+s.clientIP(c), rate)
	if err == nil {
		ctx, cancel := dbContext(c)
		defer cancel()
		err = find(ctx)
	}
	if err == nil {
		return fiber.StatusOK, "", nil
	}
	status, message, _, err = s.refusedForm(c, err, "")
	return status, message, err
}

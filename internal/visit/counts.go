package visit

import (
	"context"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
)

// Counts returns, within u's scope, the figures of the half-year report
// for the dates from to to (both inclusive): the visits made ("深入企业调研
// 30余次"), the needs collected ("收集企业技术难题需求15份", whatever their
// status now), the needs forwarded to the city bureau by the batches sent
// in the period (each need once, however often it went), the
// matchmakings held, and the cooperation agreements signed (by their
// signing date). It only reads.
func (s *Service) Counts(ctx context.Context, u *auth.User, from, to calendar.Date) (visits, needs, forwarded, matches, agreements int, err error) {
	count := func(table, alias string, c auth.Columns, date string, extra string) (int, error) {
		args := []any{from, to}
		cond := u.Scope().Where(c, &args)
		var n int
		err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` `+alias+` WHERE `+date+` >= $1 AND `+date+` <= $2 AND `+
			cond+extra, args...).Scan(&n)
		return n, db.Normalize(err)
	}
	if visits, err = count("visits", "v", visitScope, "v.visit_date", ""); err != nil {
		return
	}
	if needs, err = count("needs", "n", needScope, "n.collected_on", ""); err != nil {
		return
	}
	if matches, err = count("matchmakings", "m", matchScope, "m.event_date", ""); err != nil {
		return
	}
	if agreements, err = count("matchmakings", "m", matchScope, "m.agreement_on", " AND m.agreement"); err != nil {
		return
	}
	args := []any{from, to}
	cond := u.Scope().Where(needScope, &args)
	err = db.Normalize(s.DB.QueryRowContext(ctx, `SELECT COUNT(DISTINCT n.id) FROM needs n
		JOIN need_batch_items i ON i.need_id = n.id JOIN need_batches b ON b.id = i.batch_id
		WHERE b.sent_on >= $1 AND b.sent_on <= $2 AND `+cond, args...).Scan(&forwarded))
	return
}

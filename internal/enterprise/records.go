package enterprise

import (
	"context"
	"encoding/json"

	"kejiju/internal/auth"
	"kejiju/internal/db"
)

// Record is an enterprise with its yearly facts (newest first) and
// statuses, as other areas (the 高企 pipeline) read it.
type Record struct {
	*Enterprise
	Years    []Year
	Statuses []Status
}

// Records returns every active record in u's scope with its years and
// statuses, in three queries whatever the number of records.
func (s *Service) Records(ctx context.Context, u *auth.User) ([]Record, error) {
	var out []Record
	byID := map[int64]int{}
	if err := s.Each(ctx, u, Filter{}, func(e *Enterprise) error {
		byID[e.ID] = len(out)
		out = append(out, Record{Enterprise: e})
		return nil
	}); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	args := []any{Active}
	cond := u.Scope().Where(scopeColumns, &args)
	rows, err := s.DB.QueryContext(ctx, `SELECT y.enterprise_id, y.year, y.revenue, y.hitech_revenue, y.total_assets, y.net_assets,
		y.total_cost_expense, y.rd_total, y.rd_domestic, y.rd_categories, y.staff, y.st_staff, y.ip_class1, y.ip_class2, y.conversions,
		y.annual_report, y.updated_at FROM enterprise_years y JOIN enterprises e ON e.id = y.enterprise_id
		WHERE e.status = $1 AND `+cond+` ORDER BY y.enterprise_id, y.year DESC`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	for rows.Next() {
		y, err := scanYear(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := byID[y.EnterpriseID]; ok {
			out[i].Years = append(out[i].Years, y)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(err)
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT st.id, st.enterprise_id, st.kind, st.year, st.number, st.valid_from, st.valid_to, st.note, st.created_at
		FROM enterprise_statuses st JOIN enterprises e ON e.id = st.enterprise_id
		WHERE e.status = $1 AND `+cond+` ORDER BY st.enterprise_id, st.year DESC, st.id DESC`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		if i, ok := byID[st.EnterpriseID]; ok {
			out[i].Statuses = append(out[i].Statuses, st)
		}
	}
	return out, db.Normalize(rows.Err())
}

// RecordOf returns one record with its years and statuses, if u may see it.
func (s *Service) RecordOf(ctx context.Context, u *auth.User, id int64) (*Record, error) {
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	r := &Record{Enterprise: e}
	if r.Years, err = s.Years(ctx, u, id); err != nil {
		return nil, err
	}
	if r.Statuses, err = s.Statuses(ctx, u, id); err != nil {
		return nil, err
	}
	return r, nil
}

const yearColumns = `enterprise_id, year, revenue, hitech_revenue, total_assets, net_assets, total_cost_expense,
	rd_total, rd_domestic, rd_categories, staff, st_staff, ip_class1, ip_class2, conversions, annual_report, updated_at`

func scanYear(sc interface{ Scan(...any) error }) (Year, error) {
	var y Year
	var cats string
	if err := sc.Scan(&y.EnterpriseID, &y.Year, &y.Revenue, &y.HiTechRevenue, &y.TotalAssets, &y.NetAssets, &y.TotalCostExpense,
		&y.RDTotal, &y.RDDomestic, &cats, &y.Staff, &y.STStaff, &y.IPClass1, &y.IPClass2, &y.Conversions, &y.AnnualReport, &y.UpdatedAt); err != nil {
		return y, db.Normalize(err)
	}
	if cats != "" {
		json.Unmarshal([]byte(cats), &y.RDCategories)
	}
	y.UpdatedAt = y.UpdatedAt.UTC()
	return y, nil
}

func scanStatus(sc interface{ Scan(...any) error }) (Status, error) {
	var st Status
	if err := sc.Scan(&st.ID, &st.EnterpriseID, &st.Kind, &st.Year, &st.Number, &st.ValidFrom, &st.ValidTo, &st.Note, &st.CreatedAt); err != nil {
		return st, db.Normalize(err)
	}
	st.CreatedAt = st.CreatedAt.UTC()
	return st, nil
}

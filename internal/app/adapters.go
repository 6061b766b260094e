package app

import (
	"context"

	"kejiju/internal/auth"
	"kejiju/internal/enterprise"
	"kejiju/internal/visit"
)

// visitEnterprises lets the visit area look up enterprises through the
// enterprise service, in the caller's scope.
type visitEnterprises struct{ s *enterprise.Service }

func visitSummary(e *enterprise.Enterprise) visit.Summary {
	return visit.Summary{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode,
		ContactName: e.ContactName, ContactPhone: e.ContactPhone, Closed: e.Status != enterprise.Active}
}

func (a visitEnterprises) Get(ctx context.Context, u *auth.User, id int64) (visit.Summary, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return visit.Summary{}, err
	}
	return visitSummary(e), nil
}

func (a visitEnterprises) Find(ctx context.Context, u *auth.User, q string, limit int) ([]visit.Summary, error) {
	list, _, err := a.s.List(ctx, u, enterprise.Filter{Query: q, Limit: limit})
	out := make([]visit.Summary, 0, len(list))
	for _, e := range list {
		out = append(out, visitSummary(e))
	}
	return out, err
}

package subsidy

import (
	"context"
	"encoding/json"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/money"
)

const wan = 1_000_000 // fen in a 万元

// Defaults are the policies a new bureau starts with (domain rules §6–§7).
// Amounts marked [N] there were not found in the sources and are the
// bureau's to confirm: a corrected version is a new policy row.
func Defaults() []Policy {
	p := func(k Kind, title, doc, from, to string, params any) Policy {
		b, _ := json.Marshal(params)
		var t calendar.Date
		if to != "" {
			t = calendar.MustParse(to)
		}
		return Policy{Kind: k, Title: title, DocumentNo: doc, EffectiveFrom: calendar.MustParse(from), EffectiveTo: t, Params: b}
	}
	return []Policy{
		p(Equipment, "研发仪器设备后补助（县区级）", "皖政〔2017〕52号", "2017-04-22", "",
			EquipmentParams{MinSales: 500 * wan, MinDevice: 10 * wan, RateBP: 1500, DeviceCap: 200 * wan, EnterpriseCap: 500 * wan}),
		p(Purchase, "购买省外科技成果补助（比例与上限待核定）", "皖政〔2017〕52号", "2017-04-22", "",
			PurchaseParams{RateBP: 1000, Cap: 50 * wan, EnterpriseCap: 100 * wan, HomeProvince: "34"}),
		p(Patent, "专利资助（2021年6月30日前）", "黄政秘〔2017〕37号（参照）", "2017-01-01", "2021-06-30",
			PatentParams{Items: map[Item]ItemRule{
				InventionGrant:   {Face: money.Fen(4_000 * 100)},
				UtilityGrant:     {Face: money.Fen(1_000 * 100)},
				DesignGrant:      {Face: money.Fen(500 * 100)},
				PledgeInterest:   {RateBP: 5000},
				PledgeAssessment: {Cap: 5 * wan},
			}, InterestBase: "benchmark"}),
		p(Patent, "专利资助（符合国家知识产权局规范通知）", "国知发保字〔2021〕1号", "2021-07-01", "",
			PatentParams{Items: map[Item]ItemRule{
				InventionGrant:   {Face: money.Fen(4_000 * 100)},
				PledgeInterest:   {RateBP: 300, EnterpriseCap: 36 * wan},
				PledgeGuarantee:  {RateBP: 120, EnterpriseCap: 15 * wan},
				PledgeAssessment: {RateBP: 50, EnterpriseCap: 6 * wan},
			}, CNIPA2021: true, FeeShareBP: 5000, GrantsEnd: calendar.MustParse("2025-01-01"), InterestBase: "loan"}),
	}
}

// Seed records the default policies that are not there yet (by kind and
// start date), as the system (u may be nil).
func (s *Service) Seed(ctx context.Context, u *auth.User) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, p := range Defaults() {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subsidy_policies WHERE kind = $1 AND effective_from = $2`,
				string(p.Kind), p.EffectiveFrom.String()).Scan(&n); err != nil {
				return db.Normalize(err)
			}
			if n > 0 {
				continue
			}
			if _, err := s.insertPolicy(ctx, tx, u, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// Package reviewtest generates expert pools, applicants and relations for
// the review package's benchmark and bench/review: deterministic for a
// seed, with conflicts planted in every way the conflict engine knows.
package reviewtest

import (
	"fmt"
	"math/rand/v2"

	"kejiju/internal/calendar"
	"kejiju/internal/review"
)

// Fields are the eight areas of 《国家重点支持的高新技术领域》, the fields
// generated experts and applicants are in.
var Fields = []string{"电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"}

// On is the review date of the generated data.
var On = calendar.MustParse("2026-06-15")

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志明晓东海波宏亮")
	titles   = []string{"教授", "研究员", "正高级工程师", "高级工程师", "副教授", "副研究员", "高级会计师"}
	places   = []string{"阜阳", "合肥", "芜湖", "蚌埠", "淮南", "亳州", "宿州", "六安"}
)

// applicantName returns the name of generated applicant i.
func applicantName(i int) string {
	return fmt.Sprintf("%s市第%d号科技有限公司", places[i%len(places)], i+1)
}

// Data is a generated registry.
type Data struct {
	Experts    []review.Expert
	Applicants []review.Applicant
	Relations  []review.Relation
}

// Generate returns nExperts experts and nApplicants applicants with their
// relations, the same for the same seed. Experts have one or two fields, a
// yearly limit of 5 and a load from 0 to 5; 3% are not available and 1%
// are banned. Employers are drawn from 800 universities, institutes and
// companies — some of them the applicants, written in other forms
// (full-width brackets, another legal form). Each applicant has a
// co-applicant and a partner university, and about 12 relations with
// random experts: relatives, collaborations recent and old, paid service,
// declared interests and past employment.
func Generate(nExperts, nApplicants int, seed uint64) Data {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var d Data
	employers := make([]string, 800)
	for i := range employers {
		switch i % 4 {
		case 0:
			employers[i] = fmt.Sprintf("%s第%d大学", places[i%len(places)], i)
		case 1:
			employers[i] = fmt.Sprintf("安徽省第%d研究院", i)
		case 2:
			employers[i] = fmt.Sprintf("%s第%d集团股份有限公司", places[i%len(places)], i)
		default:
			// an applicant's name in another form
			employers[i] = fmt.Sprintf("%s市第%d号科技（集团）股份有限公司", places[(i/4)%len(places)], i/4+1)
		}
	}
	for i := range nExperts {
		e := review.Expert{
			ID:         int64(i + 1),
			Name:       string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))]) + string(given[r.IntN(len(given))]),
			Title:      titles[r.IntN(len(titles))],
			Employer:   employers[r.IntN(len(employers))],
			RegionCode: "341203",
			Fields:     []string{Fields[r.IntN(len(Fields))]},
			Available:  r.IntN(100) >= 3,
			Credit:     review.CreditGood,
			MaxLoad:    5,
			Load:       r.IntN(6),
		}
		if r.IntN(3) == 0 {
			if f := Fields[r.IntN(len(Fields))]; f != e.Fields[0] {
				e.Fields = append(e.Fields, f)
			}
		}
		switch n := r.IntN(100); {
		case n == 0:
			e.Credit = review.CreditBanned
		case n < 5:
			e.Credit = review.CreditWarned
		}
		d.Experts = append(d.Experts, e)
	}
	kinds := []string{review.KindRelative, review.KindCollaborator, review.KindCollaborator, review.KindPaidService, review.KindDeclared, review.KindSameEmployer}
	for i := range nApplicants {
		a := review.Applicant{
			Key:           fmt.Sprintf("enterprise:%d", i+1),
			Name:          applicantName(i),
			Employers:     []string{applicantName(i), fmt.Sprintf("%s第%d集团股份有限公司", places[(i+3)%len(places)], 4*(i%200)+2)},
			Collaborators: []string{fmt.Sprintf("%s第%d大学", places[i%len(places)], 4*((i*7)%200))},
			Field:         Fields[i%len(Fields)],
		}
		d.Applicants = append(d.Applicants, a)
		for range 12 {
			rel := review.Relation{
				ExpertID: int64(r.IntN(nExperts) + 1),
				Kind:     kinds[r.IntN(len(kinds))],
				Party:    a.Name,
			}
			switch r.IntN(3) {
			case 0:
				rel.Party = a.Key
			case 1:
				rel.Party = a.Employers[1]
			}
			if rel.Kind == review.KindCollaborator || rel.Kind == review.KindSameEmployer {
				rel.Since = On.AddDays(-365 * (2 + r.IntN(8)))
				rel.Until = On.AddDays(-r.IntN(365 * 6)) // some within 3 years, some before
			}
			d.Relations = append(d.Relations, rel)
		}
	}
	return d
}

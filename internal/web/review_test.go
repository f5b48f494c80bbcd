package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// rvActor is the app actor of a fixture user.
func rvActor(t *testing.T, f *fixture, username string) app.Actor {
	t.Helper()
	u, err := f.app.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return app.Actor{User: u}
}

// rvCall creates a 第七条（一） call with a two-criterion rubric.
func rvCall(t *testing.T, f *fixture, quotas map[string]int) *dtfund.Call {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	c := &dtfund.Call{Category: "7.1", Title: "2026年数字化改造项目", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "技术方案", Weight: 40}, {Name: "实施效果", Weight: 60}}, PassMark: 60},
		Quotas: quotas}
	if err := f.app.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

// rvSubmitted creates an application of orgA under the call and submits it.
func rvSubmitted(t *testing.T, f *fixture, call *dtfund.Call) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap := &dtfund.Application{CallID: call.ID, OrgID: f.orgA.ID, DistrictCode: f.orgA.DistrictCode, State: dtfund.StateDraft,
		Title: "冲压车间MES改造", RequestedFen: 6000000,
		Spending: []dtfund.Spending{{Type: "software", Supplier: "某软件公司", AmountFen: 10000000}, {Type: "cloud", Supplier: "某云", AmountFen: 2000000}}}
	if err := f.app.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	got, err := f.app.Act(ctx, rvActor(t, f, "applicant"), app.Step{AppID: ap.ID, Action: dtfund.ActSubmit})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// rvPost posts a form with the client's CSRF token.
func rvPost(c *client, path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	form.Set("csrf_token", c.csrf("/home"))
	return c.post(path, form)
}

func rvState(t *testing.T, f *fixture, id int64) dtfund.AppState {
	t.Helper()
	a, err := f.app.Application(context.Background(), rvActor(t, f, "city"), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.State
}

func TestDistrictReviewAndLetterPages(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		call := rvCall(t, f, map[string]int{"220174": 3})
		ap := rvSubmitted(t, f, call)
		id := itoa(ap.ID)

		own, other := f.client(), f.client()
		own.login("district_a")
		other.login("district_b")
		if resp, body := own.get("/review/district?call=" + itoa(call.ID)); resp.StatusCode != 200 || !strings.Contains(body, ap.Number) || !strings.Contains(body, "尚余 <strong>3</strong> 个") {
			t.Fatalf("own district's queue: %d", resp.StatusCode)
		}
		if _, body := other.get("/review/district"); strings.Contains(body, ap.Number) {
			t.Fatal("another district's queue shows our application")
		}
		if resp, _ := other.get("/apps/" + id + "/district"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district's form: %d, want 404", resp.StatusCode)
		}
		if resp, _ := rvPost(other, "/apps/"+id+"/district", url.Values{"action": {"recommend"}, "opinion": {"同意"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district's decision: %d, want 404", resp.StatusCode)
		}

		// Declining without a citation: 422, the reason kept, nothing changed.
		resp, body := own.get("/apps/" + id + "/district")
		if resp.StatusCode != 200 || !strings.Contains(body, "第十一条（一）") || !strings.Contains(body, "推荐意见") {
			t.Fatalf("decision form: %d", resp.StatusCode)
		}
		resp, body = rvPost(own, "/apps/"+id+"/district", url.Values{"action": {"decline"}, "reason": {"营业执照已过期"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择或填写不予推荐所依据的条款") || !strings.Contains(body, "营业执照已过期") {
			t.Fatalf("decline without citation: %d", resp.StatusCode)
		}
		if rvState(t, f, ap.ID) != dtfund.StateSubmitted {
			t.Fatal("refused decline changed the state")
		}
		resp, _ = rvPost(own, "/apps/"+id+"/district", url.Values{"action": {"recommend"}, "opinion": {"材料真实有效，同意推荐"}, "idem": {"k-1"}})
		if resp.StatusCode != http.StatusSeeOther || rvState(t, f, ap.ID) != dtfund.StateRecommended {
			t.Fatalf("recommend: %d, state %s", resp.StatusCode, rvState(t, f, ap.ID))
		}
		// The same form sent again is a no-op, not an error.
		if resp, _ := rvPost(own, "/apps/"+id+"/district", url.Values{"action": {"recommend"}, "opinion": {"材料真实有效，同意推荐"}, "idem": {"k-1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("resent recommendation: %d", resp.StatusCode)
		}

		// The letter: numbered, printable, for this district and the city only.
		if resp, body := rvPost(own, "/letters", url.Values{}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择申报批次") {
			t.Fatalf("letter without call: %d", resp.StatusCode)
		}
		resp, _ = rvPost(own, "/letters", url.Values{"call": {itoa(call.ID)}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/letters/") {
			t.Fatalf("create letter: %d %s", resp.StatusCode, loc)
		}
		resp, body = own.get(loc)
		year := itoa(int64(time.Now().Year()))
		for _, want := range []string{"长汽开工信推〔" + year + "〕1号", ap.Number, f.orgA.Name, "冲压车间MES改造", "材料真实有效，同意推荐", "经办人：汽开区工信", "长春市工业和信息化局："} {
			if !strings.Contains(body, want) {
				t.Errorf("letter page lacks %q", want)
			}
		}
		if resp, _ := other.get(loc); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district's letter: %d, want 404", resp.StatusCode)
		}
		city := f.client()
		city.login("city")
		if resp, body := city.get("/letters"); resp.StatusCode != 200 || !strings.Contains(body, "长汽开工信推") {
			t.Fatalf("city's letter list: %d", resp.StatusCode)
		}
		if resp, _ := city.get(loc); resp.StatusCode != 200 {
			t.Fatalf("city reading the letter: %d", resp.StatusCode)
		}
	})
}

func TestExpertReviewPages(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		call := rvCall(t, f, nil)
		ap := rvSubmitted(t, f, call)
		if _, err := f.app.DistrictReview(ctx, rvActor(t, f, "district_a"), app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意推荐"}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"expert2", "expert3", "outsider"} {
			u := &dtfund.User{Username: name, DisplayName: "专家" + name, Role: dtfund.RoleExpert}
			if err := f.app.CreateUser(ctx, app.SystemActor("test"), u, testPassword); err != nil {
				t.Fatal(err)
			}
		}
		city := f.client()
		city.login("city")

		// The pool: bad input is named and kept; good input saved.
		resp, body := rvPost(city, "/experts", url.Values{"username": {"expert"}, "affiliation": {"吉林大学"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写专业领域") || !strings.Contains(body, "吉林大学") {
			t.Fatalf("profile without field: %d", resp.StatusCode)
		}
		if resp, body := rvPost(city, "/experts", url.Values{"username": {"nobody"}, "field": {"智能制造"}, "affiliation": {"某院"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "没有用户名为 nobody 的评审专家账号") {
			t.Fatalf("profile of a non-expert: %d", resp.StatusCode)
		}
		for _, name := range []string{"expert", "expert2", "expert3"} {
			if resp, body := rvPost(city, "/experts", url.Values{"username": {name}, "field": {"智能制造"}, "affiliation": {"吉林大学"}, "active": {"on"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save profile %s: %d %s", name, resp.StatusCode, body)
			}
		}

		// The draw.
		if resp, body := city.get("/panels/new?app=" + itoa(ap.ID)); resp.StatusCode != 200 || !strings.Contains(body, ap.Number) {
			t.Fatalf("panel form: %d", resp.StatusCode)
		}
		if resp, body := rvPost(city, "/panels", url.Values{"call": {itoa(call.ID)}, "size": {"9"}, "all": {"on"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "评审组人数须为3至7人") {
			t.Fatalf("panel of nine: %d", resp.StatusCode)
		}
		resp, _ = rvPost(city, "/panels", url.Values{"call": {itoa(call.ID)}, "size": {"3"}, "all": {"on"}, "seed": {"12345"}})
		panel := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(panel, "/panels/") || rvState(t, f, ap.ID) != dtfund.StateExpertReview {
			t.Fatalf("draw: %d %s", resp.StatusCode, panel)
		}
		if _, body := city.get(panel); !strings.Contains(body, "12345") || !strings.Contains(body, "与抽取结果一致") || !strings.Contains(body, "专家expert2") {
			t.Fatal("panel page lacks the seed, the re-run or the members")
		}
		scorePage := panel + "/apps/" + itoa(ap.ID) + "/score"

		// An expert not drawn finds nothing.
		out := f.client()
		out.login("outsider")
		if resp, _ := out.get(scorePage); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unassigned expert's score page: %d, want 404", resp.StatusCode)
		}
		if resp, _ := out.get("/apps/" + itoa(ap.ID)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unassigned expert's application page: %d, want 404", resp.StatusCode)
		}

		// The experts declare, then score; a bad score is named and kept.
		investTwo := []string{"20000", "15000", "12000"} // 元; the median is 15000
		for i, name := range []string{"expert", "expert2", "expert3"} {
			e := f.client()
			e.login(name)
			if _, body := e.get("/review/expert"); !strings.Contains(body, ap.Number) || !strings.Contains(body, "待确认利益冲突") {
				t.Fatalf("%s's queue lacks the task", name)
			}
			if _, body := e.get(scorePage); !strings.Contains(body, "利益冲突声明") || strings.Contains(body, "score.0") {
				t.Fatalf("%s sees the scores before declaring", name)
			}
			if resp, _ := rvPost(e, scorePage, url.Values{"score.0": {"80"}, "score.1": {"80"}}); resp.StatusCode != http.StatusConflict {
				t.Fatalf("scoring before declaring: %d, want 409", resp.StatusCode)
			}
			if resp, _ := rvPost(e, strings.TrimSuffix(scorePage, "score")+"conflict", url.Values{"decision": {"none"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("declaration: %d", resp.StatusCode)
			}
			if i == 0 {
				resp, body := rvPost(e, scorePage, url.Values{"score.0": {"abc"}, "score.1": {"60"}, "invest.1": {"80000"}, "invest.2": {"30000"}})
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "“技术方案”的评分须为0至100的整数") ||
					!strings.Contains(body, `value="abc"`) || !strings.Contains(body, "第2项支出的核定投入不能超过申报金额") {
					t.Fatalf("bad scores: %d", resp.StatusCode)
				}
				// One score is not a result.
				rvPost(e, scorePage, url.Values{"score.0": {"60"}, "score.1": {"60"}, "invest.1": {"80000"}, "invest.2": {investTwo[0]}})
				resp, body = rvPost(city, panel+"/apps/"+itoa(ap.ID)+"/finalise", url.Values{})
				if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "尚有2位专家未完成评分") {
					t.Fatalf("early finalise: %d", resp.StatusCode)
				}
				continue
			}
			if resp, _ := rvPost(e, scorePage, url.Values{"score.0": {"60"}, "score.1": {"60"}, "invest.1": {"90000"}, "invest.2": {investTwo[i]}, "comment": {"方案可行"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s scoring: %d", name, resp.StatusCode)
			}
		}

		// The result, at exactly the pass mark, and the 评审意见书.
		if resp, body := rvPost(city, panel+"/apps/"+itoa(ap.ID)+"/finalise", url.Values{"idem": {"fin-1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("finalise: %d %s", resp.StatusCode, body)
		}
		if rvState(t, f, ap.ID) != dtfund.StateReviewed {
			t.Fatalf("state after finalise: %s", rvState(t, f, ap.ID))
		}
		resp, body = city.get("/apps/" + itoa(ap.ID) + "/opinion")
		for _, want := range []string{"专家评审意见书", "专家expert2", "60.00", "评审通过", "90,000.00", "15,000.00", "105,000.00", "方案可行"} {
			if !strings.Contains(body, want) {
				t.Errorf("opinion lacks %q", want)
			}
		}
		applicant := f.client()
		applicant.login("applicant")
		if resp, _ := applicant.get("/apps/" + itoa(ap.ID) + "/opinion"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("applicant's opinion page: %d, want 403", resp.StatusCode)
		}
	})
}

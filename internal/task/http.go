package task

import (
	"net/http"
	"net/url"
	"strconv"

	"kejiju/internal/i18n"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// Handlers serve the pages of targets and responsibility tasks.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	targetsCrumb = web.Crumb{Key: "nav.targets", Href: "/targets"}
	tasksCrumb   = web.Crumb{Key: "nav.tasks", Href: "/tasks"}
)

// yearOf reads ?year= (or the form's year), this year by default.
func (h *Handlers) yearOf(r *http.Request) int {
	v := r.URL.Query().Get("year")
	if r.PostForm != nil && r.PostForm.Get("year") != "" {
		v = r.PostForm.Get("year")
	}
	if y, err := strconv.Atoi(clean(v)); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return h.Service.Today().Year
}

// --- Targets ---

type targetsPage struct {
	Year    int
	Years   []int
	Items   []*Target
	Metrics []string
	Manage  bool
}

func (h *Handlers) targetsData(r *http.Request) (*targetsPage, error) {
	u := web.UserFrom(r.Context())
	d := &targetsPage{Year: h.yearOf(r), Metrics: MetricKeys, Manage: CanManage(u)}
	var err error
	if d.Years, err = h.Service.Years(r.Context(), u); err != nil {
		return nil, err
	}
	d.Items, err = h.Service.Targets(r.Context(), u, d.Year)
	return d, err
}

func (h *Handlers) targets(w http.ResponseWriter, r *http.Request) error {
	d, err := h.targetsData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "task/targets.html", "nav.targets", d, targetsCrumb)
}

func (h *Handlers) createTarget(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	planned, perr := strconv.ParseInt(clean(f.Get("planned")), 10, 64)
	if perr != nil {
		p.Add("planned", "error.whole_number")
	}
	in := TargetInput{Year: h.yearOf(r), Title: f.Get("title"), Unit: f.Get("unit"), Planned: planned, Metric: f.Get("metric"),
		Section: f.Get("section"), Note: f.Get("note")}
	var err error
	if len(p) == 0 {
		_, err = h.Service.CreateTarget(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.targetsData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "task/targets.html", "nav.targets", d, err, targetsCrumb)
	}
	return h.Web.Redirect(w, r, "/targets?year="+strconv.Itoa(in.Year), "task.target.saved")
}

func (h *Handlers) setValue(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	v, perr := strconv.ParseInt(clean(r.PostForm.Get("value")), 10, 64)
	if perr != nil {
		err = i18n.FieldError("value", "error.whole_number")
	} else {
		var t *Target
		if t, err = h.Service.SetValue(r.Context(), web.UserFrom(r.Context()), id, v); err == nil {
			return h.Web.Redirect(w, r, "/targets?year="+strconv.Itoa(t.Year), "task.target.value_saved")
		}
	}
	if !web.Shown(err) {
		return err
	}
	d, derr := h.targetsData(r)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "task/targets.html", "nav.targets", d, err, targetsCrumb)
}

// --- Tasks ---

type tasksPage struct {
	Year    int
	Years   []int
	Items   []*Task
	Overdue bool
	Manage  bool
}

func (h *Handlers) tasksData(r *http.Request, overdue bool) (*tasksPage, error) {
	u := web.UserFrom(r.Context())
	d := &tasksPage{Year: h.yearOf(r), Overdue: overdue, Manage: CanManage(u)}
	var err error
	if d.Years, err = h.Service.Years(r.Context(), u); err != nil {
		return nil, err
	}
	f := TaskFilter{Year: d.Year}
	if overdue {
		f = TaskFilter{Overdue: true}
	}
	d.Items, err = h.Service.Tasks(r.Context(), u, f)
	return d, err
}

func (h *Handlers) tasks(w http.ResponseWriter, r *http.Request) error {
	d, err := h.tasksData(r, false)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "task/tasks.html", "nav.tasks", d, tasksCrumb)
}

func (h *Handlers) overdue(w http.ResponseWriter, r *http.Request) error {
	d, err := h.tasksData(r, true)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "task/tasks.html", "nav.tasks_overdue", d, tasksCrumb, web.Crumb{Key: "nav.tasks_overdue"})
}

func (h *Handlers) print(w http.ResponseWriter, r *http.Request) error {
	d, err := h.tasksData(r, false)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "task/print.html", "task.print.title", d, tasksCrumb, web.Crumb{Key: "task.print"})
}

func taskInputOf(f url.Values, year int) TaskInput {
	return TaskInput{Year: year, Category: f.Get("category"), Text: f.Get("text"), LeadLeader: f.Get("lead_leader"),
		Section: f.Get("section"), Responsible: f.Get("responsible"), Deadline: f.Get("deadline")}
}

func (h *Handlers) createTask(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	in := taskInputOf(r.PostForm, h.yearOf(r))
	t, err := h.Service.CreateTask(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.tasksData(r, false)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "task/tasks.html", "nav.tasks", d, err, tasksCrumb)
	}
	return h.Web.Redirect(w, r, "/tasks?year="+strconv.Itoa(t.Year), "task.saved")
}

type taskPage struct {
	T      *Task
	Manage bool
	// Editing: the edit form was sent and refused (it opens with its errors).
	Editing bool
}

func (h *Handlers) showTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	t, err := h.Service.Task(r.Context(), u, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "task/task.html", "nav.tasks", taskPage{T: t, Manage: CanManage(u)}, tasksCrumb, web.Crumb{Key: "nav.tasks"})
}

func (h *Handlers) updateTask(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	version, _ := strconv.Atoi(clean(r.PostForm.Get("version")))
	if _, err = h.Service.UpdateTask(r.Context(), u, id, version, taskInputOf(r.PostForm, 0)); err != nil {
		if !web.Shown(err) {
			return err
		}
		t, terr := h.Service.Task(r.Context(), u, id)
		if terr != nil {
			return terr
		}
		return h.Web.RenderForm(w, r, "task/task.html", "nav.tasks", taskPage{T: t, Manage: CanManage(u), Editing: true}, err, tasksCrumb, web.Crumb{Key: "nav.tasks"})
	}
	return h.Web.Redirect(w, r, "/tasks/"+idOf(id), "task.updated")
}

func (h *Handlers) addReport(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	f := r.PostForm
	_, err = h.Service.AddReport(r.Context(), u, id, ReportInput{ReportedOn: f.Get("reported_on"), Text: f.Get("report_text"),
		Evidence: f.Get("evidence"), Done: f.Get("done") != ""})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		t, terr := h.Service.Task(r.Context(), u, id)
		if terr != nil {
			return terr
		}
		return h.Web.RenderForm(w, r, "task/task.html", "nav.tasks", taskPage{T: t, Manage: CanManage(u)}, err, tasksCrumb, web.Crumb{Key: "nav.tasks"})
	}
	return h.Web.Redirect(w, r, "/tasks/"+idOf(id), "task.report.saved")
}

// Sheet is the decomposition table as a spreadsheet.
var Sheet = xlsx.Sheet{Name: "任务分解表", Columns: []xlsx.Column{
	{Key: "no", Header: "序号", Width: 6},
	{Key: "category", Header: "类别", Width: 14},
	{Key: "text", Header: "工作任务", Width: 48},
	{Key: "lead_leader", Header: "责任领导", Width: 12},
	{Key: "section", Header: "责任科室", Width: 14},
	{Key: "responsible", Header: "责任人", Width: 16},
	{Key: "deadline", Header: "完成时限", Width: 12},
	{Key: "state", Header: "完成情况", Width: 10},
	{Key: "last_report", Header: "最近报送", Width: 12},
}}

func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	d, err := h.tasksData(r, false)
	if err != nil {
		return err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	name := strconv.Itoa(d.Year) + "年度党风廉政建设任务分解表.xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	xw, err := xlsx.NewWriter(w, Sheet)
	if err != nil {
		return err
	}
	for i, t := range d.Items {
		state := zh.T("task.state." + t.State)
		if t.Overdue {
			state += "（" + zh.T("task.overdue") + "）"
		}
		last := ""
		if !t.LastReport.IsZero() {
			last = t.LastReport.String()
		}
		if err := xw.Write([]any{i + 1, t.Category, t.Text, t.LeadLeader, t.Section, t.Responsible, t.Deadline.String(), state, last}); err != nil {
			xw.Abort()
			return err
		}
	}
	return xw.Close()
}

// --- API ---

func (h *Handlers) apiTargets(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.Targets(r.Context(), web.UserFrom(r.Context()), h.yearOf(r))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiTasks(w http.ResponseWriter, r *http.Request) error {
	f := TaskFilter{Year: h.yearOf(r)}
	if r.URL.Query().Get("overdue") != "" {
		f = TaskFilter{Overdue: true}
	}
	items, err := h.Service.Tasks(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiCreateTask(w http.ResponseWriter, r *http.Request) error {
	var in TaskInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Service.CreateTask(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, t)
}

func (h *Handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ReportInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Service.AddReport(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, t)
}

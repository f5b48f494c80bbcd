package app

import (
	"context"
	"time"

	"dtfund"
	"dtfund/internal/jobs"
	"dtfund/internal/store"
)

// Scheduled work (定时任务). `dtfund serve` registers these jobs with a
// jobs.Runner; each runs exactly once per period across every instance
// serving the database (internal/jobs). A later part adds its job here with
// one line, e.g.
//
//	{Name: "matching.propose", Every: time.Hour, Run: a.ProposeMatches},
//
// The jobs change state only through the app's own use cases, each in one
// transaction with its audit record; the actor is "system".

// ScheduledJobs are the jobs of this deployment. The notification mailer
// is one of them only when m is set (SMTP configured).
func (a *App) ScheduledJobs(m Mailer) []jobs.Job {
	js := []jobs.Job{
		{Name: JobClosePublicity, Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := a.CloseEndedPublicity(ctx)
			return err
		}},
	}
	// 免申即享 (第十五条): match every active policy, and let unconfirmed
	// proposals lapse after their deadline; both are idempotent.
	js = append(js,
		jobs.Job{Name: JobMatching, Every: time.Hour, Run: func(ctx context.Context) error {
			_, err := a.RunActiveMatching(ctx, SystemActor("scheduled"))
			return err
		}},
		jobs.Job{Name: JobLapseProposals, Every: time.Hour, Run: func(ctx context.Context) error {
			_, err := a.LapseProposals(ctx, SystemActor("scheduled"))
			return err
		}})
	if a.FilesDir != "" {
		js = append(js, jobs.Job{Name: JobAuditHead, Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			_, err := a.ExportAuditHead(ctx)
			return err
		}})
	}
	if m != nil {
		js = append(js, jobs.Job{Name: JobEmailNotifications, Every: 30 * time.Second, Timeout: emailLease,
			Run: func(ctx context.Context) error {
				_, err := a.DeliverNotifications(ctx, m, 100)
				return err
			}})
	}
	return js
}

// The names of the jobs above.
const (
	JobClosePublicity     = "publicity.close"
	JobEmailNotifications = "notifications.email"
	JobMatching           = "matching.propose"
	JobLapseProposals     = "matching.lapse"
	JobAuditHead          = "audit.head"
)

// systemActor takes a step of the process in the city bureau's place when
// the regulation leaves nothing to decide: closing a publicity batch whose
// periods have all run without objection (第十四条（五）). "system" marks it
// in the audit log and on the timeline; the request ID names the job.
func systemActor(job string) Actor {
	return Actor{User: &dtfund.User{Username: "system", DisplayName: "系统（定时任务）", Role: dtfund.RoleCityMIIT},
		RequestID: "job:" + job}
}

// CloseEndedPublicity closes every open batch that may be closed now: at
// least one application in publicity, every item's period of five working
// days over by the calendar (calendar.PublicityClosable: from the day after
// the end date), and no objection undecided (第十四条（五）). A batch that may
// not be closed yet is left as it is; closing twice is impossible (the
// batch is locked and its state checked). It returns the batches closed.
func (a *App) CloseEndedPublicity(ctx context.Context) ([]int64, error) {
	actor := systemActor(JobClosePublicity)
	var closed []int64
	// Closed batches leave the open list, so the next page starts after the
	// batches left open.
	for offset := 0; ; {
		bs, _, err := a.DB.FindPublicityBatches(ctx, store.BatchFilter{State: store.BatchOpen, StartedBy: a.today(),
			Page: store.Page{Offset: offset, Limit: 200}})
		if err != nil {
			return closed, err
		}
		for _, b := range bs {
			_, err := a.closePublicity(ctx, actor, b.ID, true)
			switch {
			case err == nil:
				closed = append(closed, b.ID)
				a.Log.InfoContext(ctx, "publicity closed by schedule", "batch", b.ID)
			case dtfund.ErrorCode(err) == dtfund.ECONFLICT: // not closable yet: next time
				offset++
			default:
				return closed, err
			}
		}
		if len(bs) < 200 {
			return closed, nil
		}
	}
}

//! Group commit: how the workspace actor writes deals and pipelines.
//!
//! Writes queue in the actor. When no batch is in flight, the actor takes
//! every queued write (up to a bound), plans each against the committed
//! state plus the batch's earlier changes ([`Staged`]), replies at once to
//! those that fail validation, and commits the rest in ONE transaction:
//! one seq reservation, one statement per table. After COMMIT the actor
//! applies the snapshots to memory, answers every caller with its own
//! result, and publishes the events (its own ring and fan-out, then the
//! other nodes through the bus). A failed commit changes nothing in memory
//! and publishes nothing; its writes are retried one per transaction so one
//! bad write cannot fail its neighbours.

use std::collections::VecDeque;

use actix::prelude::*;
use chrono::{SubsecRound, Utc};
use tokio::sync::oneshot;

use super::messages::Write;
use super::WorkspaceActor;
use crate::deals::command::{AuditRow, HistoryRow, Staged};
use crate::deals::store::{self, BatchWrite, WriteFailure};
use crate::deals::{Caller, Command, Deal, DealError, Outcome, Pipeline, Written};
use crate::event::{EventRecord, NewEvent};
use crate::leads::command::{NewCompanyRow, NewContactRow, ScoreRow};
use crate::leads::{Lead, Source, Weights};

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;

/// A write waiting for its batch.
pub(crate) struct Queued {
    caller: Caller,
    command: Command,
    reply: oneshot::Sender<Result<Written, DealError>>,
    /// Its batch failed: commit it alone.
    solo: bool,
}

impl From<Write> for Queued {
    fn from(w: Write) -> Self {
        Queued { caller: w.caller, command: w.command, reply: w.reply, solo: false }
    }
}

/// A planned write, waiting for its batch to commit.
struct Planned {
    queued: Queued,
    outcome: Outcome,
    /// Its events within the batch.
    events: std::ops::Range<usize>,
}

/// What a batch writes, owned so the transaction can run off the actor.
struct Batch {
    deals: Vec<(Deal, Option<i64>)>,
    leads: Vec<(Lead, Option<i64>)>,
    lead_scores: Vec<ScoreRow>,
    new_contacts: Vec<NewContactRow>,
    new_companies: Vec<NewCompanyRow>,
    sources: Vec<Source>,
    weights: Option<Weights>,
    lines: Vec<uuid::Uuid>,
    pipelines: Vec<(Pipeline, Option<i64>)>,
    deleted_stages: Vec<uuid::Uuid>,
    history: Vec<HistoryRow>,
    audits: Vec<AuditRow>,
    events: Vec<NewEvent>,
    now: chrono::DateTime<Utc>,
    imported_deals: Vec<(uuid::Uuid, uuid::Uuid)>,
    imported_leads: Vec<(uuid::Uuid, uuid::Uuid)>,
    activities: Vec<crate::activities::Activity>,
    deal_merges: Vec<(uuid::Uuid, Vec<uuid::Uuid>)>,
}

impl WorkspaceActor {
    /// Queues a write and starts a batch if none is in flight.
    pub(crate) fn enqueue(&mut self, w: Write, ctx: &mut Context<Self>) {
        self.idle_since = std::time::Instant::now();
        self.writes.push_back(w.into());
        self.flush(ctx);
    }

    fn flush(&mut self, ctx: &mut Context<Self>) {
        while !self.writing && !self.writes.is_empty() {
            let now = Utc::now().trunc_subsecs(6);
            let solo = self.writes.front().is_some_and(|q| q.solo);
            let take = if solo { 1 } else { self.writes.len().min(MAX_BATCH) };
            let queued: VecDeque<Queued> = self.writes.drain(..take).collect();
            let mut staged = Staged::new(&self.deals, &self.leads, now);
            let mut planned = Vec::with_capacity(queued.len());
            for q in queued {
                let start = staged.events.len();
                match staged.plan(&q.caller, q.command.clone()) {
                    Ok(outcome) => planned.push(Planned { events: start..staged.events.len(), queued: q, outcome }),
                    Err(e) => {
                        let _ = q.reply.send(Err(e));
                    }
                }
            }
            if staged.events.is_empty() {
                // Nothing to write (validation failures and no-op changes).
                let seq = self.head;
                for p in planned {
                    let _ = p.queued.reply.send(Ok(Written { outcome: p.outcome, seq }));
                }
                continue;
            }
            let batch = Batch::from_staged(staged);
            self.writing = true;
            self.commit(batch, planned, ctx);
        }
    }

    fn commit(&mut self, batch: Batch, planned: Vec<Planned>, ctx: &mut Context<Self>) {
        let pool = self.pool.clone();
        let ws = self.id;
        let started = std::time::Instant::now();
        let writes = planned.len();
        let write = async move {
            let mut batch = batch;
            let events = std::mem::take(&mut batch.events);
            let mut client = pool.get().await.map_err(|e| WriteFailure::Pool(e.to_string()))?;
            let deals: Vec<(&Deal, Option<i64>)> = batch.deals.iter().map(|(d, p)| (d, *p)).collect();
            let lines: Vec<&Deal> =
                batch.deals.iter().map(|(d, _)| d).filter(|d| batch.lines.contains(&d.id)).collect();
            let pipelines: Vec<(&Pipeline, Option<i64>)> = batch.pipelines.iter().map(|(p, v)| (p, *v)).collect();
            let leads: Vec<(&Lead, Option<i64>)> = batch.leads.iter().map(|(l, v)| (l, *v)).collect();
            let write = BatchWrite {
                workspace_id: ws,
                deals,
                lines,
                pipelines,
                deleted_stages: &batch.deleted_stages,
                history: &batch.history,
                audits: &batch.audits,
                leads,
                lead_scores: &batch.lead_scores,
                new_contacts: &batch.new_contacts,
                new_companies: &batch.new_companies,
                sources: &batch.sources,
                weights: batch.weights.as_ref(),
                events,
                now: batch.now,
                imported_deals: &batch.imported_deals,
                imported_leads: &batch.imported_leads,
                activities: &batch.activities,
                deal_merges: &batch.deal_merges,
            };
            let records = if write.deals_only() {
                // Moves, creates and edits: one round trip to PostgreSQL.
                store::commit_pipelined(&client, write).await?
            } else {
                let tx = client.transaction().await?;
                let records = store::write_batch(&tx, write).await?;
                tx.commit().await?;
                records
            };
            Ok::<_, WriteFailure>((records, batch.deals, batch.pipelines, batch.leads, batch.sources, batch.weights))
        };
        ctx.spawn(write.into_actor(self).map(move |res, act, ctx| {
            act.writing = false;
            tracing::debug!(workspace = %act.id, writes, ok = res.is_ok(), micros = started.elapsed().as_micros() as u64, "batch written");
            match res {
                Ok((records, deals, pipelines, leads, sources, weights)) => {
                    for (l, _) in leads {
                        act.leads.apply_lead(l);
                    }
                    for s in sources {
                        act.leads.apply_source(s);
                    }
                    if let Some(w) = weights {
                        act.leads.apply_weights(w);
                    }
                    act.committed(records, deals, pipelines, planned, ctx)
                }
                Err(e) => act.failed(e, planned, ctx),
            }
            act.flush(ctx);
        }));
    }

    fn committed(
        &mut self,
        records: Vec<EventRecord>,
        deals: Vec<(Deal, Option<i64>)>,
        pipelines: Vec<(Pipeline, Option<i64>)>,
        planned: Vec<Planned>,
        ctx: &mut Context<Self>,
    ) {
        // Memory first, so the next batch plans against this one.
        for (p, _) in pipelines {
            self.deals.apply_pipeline(p);
        }
        for (d, _) in deals {
            self.deals.apply_deal(d);
        }
        for p in planned {
            let seq = p.events.end.checked_sub(1).and_then(|i| records.get(i)).map_or(self.head, |r| r.seq);
            let _ = p.queued.reply.send(Ok(Written { outcome: p.outcome, seq }));
        }
        for r in records {
            self.publisher.to_other_nodes(&r);
            self.accept(r, ctx);
        }
    }

    fn failed(&mut self, e: WriteFailure, planned: Vec<Planned>, ctx: &mut Context<Self>) {
        if planned.len() > 1 {
            tracing::info!(workspace = %self.id, error = %e, writes = planned.len(), "batch failed; retrying its writes one by one");
            for p in planned.into_iter().rev() {
                self.writes.push_front(Queued { solo: true, ..p.queued });
            }
            return;
        }
        let error = match &e {
            WriteFailure::Stale(_) | WriteFailure::AmountMismatch(_) => {
                // Another writer got there first: our memory is behind.
                tracing::warn!(workspace = %self.id, error = %e, "write conflicted with another writer; reloading");
                self.reload_deals(ctx);
                DealError::Conflict {
                    code: "concurrent_write",
                    detail: "the record changed at the same moment on another server; try again".into(),
                }
            }
            WriteFailure::Db(db) if is_constraint(db) => {
                tracing::warn!(workspace = %self.id, error = %e, "write violated a constraint; reloading");
                self.reload_deals(ctx);
                DealError::Conflict {
                    code: "concurrent_write",
                    detail: "the record changed at the same moment; try again".into(),
                }
            }
            _ => {
                tracing::error!(workspace = %self.id, error = %e, "deal write failed");
                DealError::Unavailable("the database did not take the write; nothing changed".into())
            }
        };
        for p in planned {
            let _ = p.queued.reply.send(Err(error.clone()));
        }
    }
}

fn is_constraint(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("23"))
}

impl Batch {
    fn from_staged(s: Staged<'_>) -> Self {
        let base = s.base();
        let deals = s.deals.values().map(|d| (d.clone(), base.deal(d.id).map(|o| o.version))).collect();
        let pipelines = s.pipelines.values().map(|p| (p.clone(), base.pipeline(p.id).map(|o| o.version))).collect();
        let leads = s.leads.values().map(|l| (l.clone(), s.lead_base.lead(l.id).map(|o| o.version))).collect();
        // The last change of each source wins.
        let mut sources: Vec<Source> = Vec::new();
        for src in s.sources.iter().rev() {
            if !sources.iter().any(|x| x.slug == src.slug) {
                sources.push(src.clone());
            }
        }
        Batch {
            deals,
            leads,
            lead_scores: s.lead_scores,
            new_contacts: s.new_contacts,
            new_companies: s.new_companies,
            sources,
            weights: s.weights,
            lines: s.lines_changed.iter().copied().collect(),
            pipelines,
            deleted_stages: s.deleted_stages,
            history: s.history,
            audits: s.audits,
            events: s.events,
            now: s.now,
            imported_deals: s.imported_deals,
            imported_leads: s.imported_leads,
            activities: s.activities,
            deal_merges: s.deal_merges,
        }
    }
}

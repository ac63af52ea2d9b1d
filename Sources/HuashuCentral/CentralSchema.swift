import Foundation
import HuashuEngine

/// The central store's tables, created and upgraded by numbered migrations
/// recorded in `schema_migrations`, as the desk's SQLite is by GRDB's. A
/// migration's text never changes once shipped: a new need is a new one.
public enum CentralSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("desks and what they push", """
            CREATE TABLE desks (
                name text PRIMARY KEY,
                first_sync timestamptz NOT NULL DEFAULT now(),
                last_sync timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE calls (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                customer_id bigint NOT NULL,
                agent text NOT NULL,
                started_at text NOT NULL,
                script_version text NOT NULL,
                training bigint NOT NULL,
                context text NOT NULL,
                ended_at text,
                outcome text,
                loss_reason text,
                lost_to text,
                quote text,
                facts text,
                PRIMARY KEY (desk, id)
            );
            CREATE INDEX calls_by_start ON calls (started_at);
            CREATE TABLE call_steps (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                call_id bigint NOT NULL,
                seq bigint NOT NULL,
                at text NOT NULL,
                input_kind text NOT NULL,
                input text,
                answer_id text,
                handler_id text,
                note text,
                stage text NOT NULL,
                node text NOT NULL,
                shown text NOT NULL,
                events text NOT NULL,
                state text NOT NULL,
                prev_hash text NOT NULL,
                hash text NOT NULL,
                link text NOT NULL,
                PRIMARY KEY (desk, id),
                UNIQUE (desk, call_id, seq)
            );
            CREATE TABLE follow_ups (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                customer_id bigint NOT NULL,
                call_id bigint,
                kind text NOT NULL,
                due_at text NOT NULL,
                done_at text,
                PRIMARY KEY (desk, id)
            );
            CREATE TABLE audit (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                at text NOT NULL,
                agent text NOT NULL,
                action text NOT NULL,
                customer_id bigint,
                call_id bigint,
                detail text,
                PRIMARY KEY (desk, id)
            );
            """),
        // A desk's steps logged since its v5 keep no state snapshot and no copy of the previous hash.
        ("steps without state or previous hash", """
            ALTER TABLE call_steps ALTER COLUMN state DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL;
            """),
        ("roles: agents add their own desk's rows, supervisors read every desk, trainers read rehearsals; the log is append-only", """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'huashu_agent') THEN CREATE ROLE huashu_agent NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'huashu_supervisor') THEN CREATE ROLE huashu_supervisor NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'huashu_trainer') THEN CREATE ROLE huashu_trainer NOLOGIN; END IF;
            END $$;
            -- The login that pushes a desk's rows; a supervisor hands a desk to an agent with `huashu central grant`.
            ALTER TABLE desks ADD COLUMN owner name NOT NULL DEFAULT current_user;

            REVOKE ALL ON desks, calls, call_steps, follow_ups, audit, schema_migrations FROM PUBLIC;
            GRANT SELECT ON schema_migrations TO huashu_agent, huashu_supervisor, huashu_trainer;
            GRANT SELECT ON desks, calls, call_steps, follow_ups, audit TO huashu_supervisor;
            GRANT SELECT ON desks, calls, call_steps TO huashu_trainer;
            GRANT SELECT, INSERT ON desks, calls, call_steps, follow_ups, audit TO huashu_agent;
            GRANT UPDATE (last_sync) ON desks TO huashu_agent;
            GRANT UPDATE (ended_at, outcome, loss_reason, lost_to, quote, facts) ON calls TO huashu_agent;
            GRANT UPDATE (done_at) ON follow_ups TO huashu_agent;

            -- What even the owner of the tables cannot do: a logged step or audit row never changes or goes,
            -- a call's beginning never changes and its ending is filled once, a follow-up is done once.
            CREATE FUNCTION huashu_refuse(why text) RETURNS void LANGUAGE plpgsql AS $f$
            BEGIN
                RAISE EXCEPTION 'huashu: %', why USING ERRCODE = 'insufficient_privilege';
            END $f$;
            CREATE FUNCTION huashu_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                PERFORM huashu_refuse(format('%s is append-only: %s refused', TG_TABLE_NAME, TG_OP));
                RETURN NULL;
            END $f$;
            CREATE FUNCTION huashu_call_settles_once() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF (NEW.desk, NEW.id, NEW.customer_id, NEW.agent, NEW.started_at, NEW.script_version, NEW.training, NEW.context)
                   IS DISTINCT FROM (OLD.desk, OLD.id, OLD.customer_id, OLD.agent, OLD.started_at, OLD.script_version, OLD.training, OLD.context) THEN
                    PERFORM huashu_refuse('a call''s beginning never changes');
                END IF;
                IF OLD.ended_at IS NOT NULL THEN
                    PERFORM huashu_refuse('an ended call''s outcome never changes: a correction is a new logged step');
                END IF;
                RETURN NEW;
            END $f$;
            CREATE FUNCTION huashu_follow_up_done_once() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF OLD.done_at IS NOT NULL OR (NEW.desk, NEW.id, NEW.customer_id, NEW.call_id, NEW.kind, NEW.due_at)
                   IS DISTINCT FROM (OLD.desk, OLD.id, OLD.customer_id, OLD.call_id, OLD.kind, OLD.due_at) THEN
                    PERFORM huashu_refuse('a follow-up is booked once and done once');
                END IF;
                RETURN NEW;
            END $f$;
            CREATE TRIGGER call_steps_append_only BEFORE UPDATE OR DELETE ON call_steps FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER call_steps_never_truncated BEFORE TRUNCATE ON call_steps FOR EACH STATEMENT EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER audit_never_truncated BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER calls_kept BEFORE DELETE ON calls FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER calls_never_truncated BEFORE TRUNCATE ON calls FOR EACH STATEMENT EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER calls_settle_once BEFORE UPDATE ON calls FOR EACH ROW EXECUTE FUNCTION huashu_call_settles_once();
            CREATE TRIGGER follow_ups_kept BEFORE DELETE ON follow_ups FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER follow_ups_done_once BEFORE UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION huashu_follow_up_done_once();

            -- An agent sees and adds only the rows of desks it owns.
            CREATE FUNCTION huashu_owns_desk(desk text) RETURNS boolean LANGUAGE sql STABLE AS $f$
                SELECT EXISTS (SELECT 1 FROM desks d WHERE d.name = desk AND d.owner = current_user)
            $f$;
            ALTER TABLE desks ENABLE ROW LEVEL SECURITY;
            CREATE POLICY agent_registers_own ON desks FOR INSERT TO huashu_agent WITH CHECK (owner = current_user);
            CREATE POLICY agent_touches_own ON desks FOR UPDATE TO huashu_agent USING (owner = current_user);
            CREATE POLICY everyone_reads ON desks FOR SELECT TO huashu_agent, huashu_supervisor, huashu_trainer USING (true);
            ALTER TABLE calls ENABLE ROW LEVEL SECURITY;
            ALTER TABLE call_steps ENABLE ROW LEVEL SECURITY;
            ALTER TABLE follow_ups ENABLE ROW LEVEL SECURITY;
            ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
            CREATE POLICY agent_own_desk ON calls TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY agent_own_desk ON call_steps TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY agent_own_desk ON follow_ups TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY agent_own_desk ON audit TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY supervisor_reads ON calls FOR SELECT TO huashu_supervisor USING (true);
            CREATE POLICY supervisor_reads ON call_steps FOR SELECT TO huashu_supervisor USING (true);
            CREATE POLICY supervisor_reads ON follow_ups FOR SELECT TO huashu_supervisor USING (true);
            CREATE POLICY supervisor_reads ON audit FOR SELECT TO huashu_supervisor USING (true);
            CREATE POLICY trainer_reads_rehearsals ON calls FOR SELECT TO huashu_trainer USING (training <> 0);
            CREATE POLICY trainer_reads_rehearsals ON call_steps FOR SELECT TO huashu_trainer
                USING (EXISTS (SELECT 1 FROM calls c WHERE c.desk = call_steps.desk AND c.id = call_steps.call_id));
            """),
        ("the floor: a lease on each customer being called, and refusals every desk honours", """
            -- Customers are keyed by plate across desks: each desk numbers its own customers.
            CREATE TABLE leases (
                customer_key text PRIMARY KEY,
                desk text NOT NULL,
                agent text NOT NULL,
                since timestamptz NOT NULL DEFAULT now(),
                until timestamptz NOT NULL
            );
            -- 勿扰 and wrong numbers, from every desk's pushed calls; a wrong number is kept with the phone
            -- (as the desk showed it, masked) so a new number for the plate calls again.
            CREATE TABLE refusals (
                customer_key text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('do_not_call', 'wrong_number')),
                phone text NOT NULL DEFAULT '',
                desk text NOT NULL,
                call_id bigint NOT NULL,
                at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (customer_key, kind, phone)
            );
            CREATE FUNCTION huashu_refusal_from_call() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF NEW.outcome IN ('do_not_call', 'wrong_number') AND NEW.training = 0 THEN
                    INSERT INTO refusals (customer_key, kind, phone, desk, call_id)
                    VALUES (NEW.context::jsonb #>> '{customer,values,plate}', NEW.outcome,
                            CASE WHEN NEW.outcome = 'wrong_number' THEN coalesce(NEW.context::jsonb #>> '{customer,values,phone}', '') ELSE '' END,
                            NEW.desk, NEW.id)
                    ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END $f$;
            CREATE TRIGGER calls_refusals AFTER INSERT OR UPDATE OF outcome ON calls FOR EACH ROW EXECUTE FUNCTION huashu_refusal_from_call();

            GRANT SELECT, INSERT, UPDATE, DELETE ON leases TO huashu_agent;
            GRANT SELECT ON leases, refusals TO huashu_supervisor, huashu_agent;
            GRANT INSERT ON refusals TO huashu_agent;
            ALTER TABLE leases ENABLE ROW LEVEL SECURITY;
            CREATE POLICY everyone_reads ON leases FOR SELECT TO huashu_agent, huashu_supervisor USING (true);
            CREATE POLICY agent_claims ON leases FOR INSERT TO huashu_agent WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY agent_renews_or_takes_expired ON leases FOR UPDATE TO huashu_agent
                USING (huashu_owns_desk(desk) OR until < now()) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY agent_releases_own ON leases FOR DELETE TO huashu_agent USING (huashu_owns_desk(desk));
            ALTER TABLE refusals ENABLE ROW LEVEL SECURITY;
            CREATE POLICY everyone_reads ON refusals FOR SELECT TO huashu_agent, huashu_supervisor USING (true);
            CREATE POLICY agent_adds_own ON refusals FOR INSERT TO huashu_agent WITH CHECK (huashu_owns_desk(desk));
            """),
        ("customers, team numbers and the team's view", """
            CREATE TABLE customers (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                plate text NOT NULL,
                name text NOT NULL,
                honorific text, phone text, id_number text, model text, last_insurer text, last_premium text,
                commercial_expiry text, compulsory_expiry text, claims bigint, violations bigint, grade text, type text,
                agent text, vehicle_use text, notes text, contact text, holder_type text, last_cover text, sum_insured text,
                address text, commercial_insurer text, commercial_premium text, compulsory_insurer text, compulsory_premium text,
                extra text,
                do_not_call bigint NOT NULL DEFAULT 0,
                phone_invalid bigint NOT NULL DEFAULT 0,
                training bigint NOT NULL DEFAULT 0,
                lead_from_call bigint,
                PRIMARY KEY (desk, id)
            );
            CREATE INDEX customers_by_plate ON customers (plate, desk);
            ALTER TABLE calls ADD COLUMN abandoned_at text;
            CREATE TABLE team_customers (id bigint PRIMARY KEY, plate text NOT NULL UNIQUE);
            CREATE TABLE call_numbers (
                number bigint PRIMARY KEY, desk text NOT NULL, id bigint NOT NULL, UNIQUE (desk, id));
            INSERT INTO call_numbers (number, desk, id) SELECT row_number() OVER (ORDER BY desk, id), desk, id FROM calls;
            CREATE INDEX call_steps_by_call ON call_steps (desk, call_id, seq);
            CREATE INDEX calls_by_customer ON calls (desk, customer_id, started_at);
            CREATE INDEX follow_ups_by_call ON follow_ups (desk, call_id);
            -- The team's store as one desk's: customers by plate, calls by team number, with the
            -- desk's own columns and names, so a supervisor's query reads as it does on a desk.
            CREATE SCHEMA team;
            CREATE VIEW team.customers AS
                SELECT t.id, c.plate, c.name, c.honorific, c.phone, c.id_number, c.model, c.last_insurer, c.last_premium,
                       c.commercial_expiry, c.compulsory_expiry, c.claims, c.violations, c.grade, c.type, c.agent,
                       c.vehicle_use, c.notes, c.contact, c.holder_type, c.last_cover, c.sum_insured, c.address,
                       c.commercial_insurer, c.commercial_premium, c.compulsory_insurer, c.compulsory_premium, c.extra,
                       c.do_not_call, c.phone_invalid, c.training, c.lead_from_call
                FROM team_customers t
                JOIN LATERAL (SELECT * FROM customers c WHERE c.plate = t.plate ORDER BY c.desk LIMIT 1) c ON true;
            CREATE VIEW team.calls AS
                SELECT n.number AS id, t.id AS customer_id, c.agent, c.started_at, c.ended_at, c.script_version, c.training,
                       c.context, c.outcome, c.loss_reason, c.lost_to, c.quote, c.facts, c.abandoned_at,
                       c.desk, c.id AS desk_id
                FROM calls c
                JOIN call_numbers n ON n.desk = c.desk AND n.id = c.id
                JOIN customers u ON u.desk = c.desk AND u.id = c.customer_id
                JOIN team_customers t ON t.plate = u.plate;
            CREATE VIEW team.call_steps AS
                SELECT s.id, n.number AS call_id, s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note,
                       s.stage, s.node, s.shown, s.events, s.state, s.prev_hash, s.hash, s.link, s.desk
                FROM call_steps s JOIN call_numbers n ON n.desk = s.desk AND n.id = s.call_id;
            CREATE VIEW team.follow_ups AS
                SELECT f.id, t.id AS customer_id, n.number AS call_id, f.kind, f.due_at, f.done_at, f.desk
                FROM follow_ups f
                JOIN customers u ON u.desk = f.desk AND u.id = f.customer_id
                JOIN team_customers t ON t.plate = u.plate
                LEFT JOIN call_numbers n ON n.desk = f.desk AND n.id = f.call_id;

            -- The roles of migration 3 on what this one adds: an agent pushes and reads its own desk's
            -- customers (and numbers them for the team), a supervisor reads every desk and the team views.
            REVOKE ALL ON customers, team_customers, call_numbers FROM PUBLIC;
            GRANT SELECT, INSERT ON customers, team_customers, call_numbers TO huashu_agent;
            GRANT UPDATE ON customers TO huashu_agent;
            GRANT UPDATE (abandoned_at) ON calls TO huashu_agent;
            GRANT SELECT ON customers, team_customers, call_numbers TO huashu_supervisor;
            GRANT USAGE ON SCHEMA team TO huashu_supervisor;
            GRANT SELECT ON ALL TABLES IN SCHEMA team TO huashu_supervisor;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY agent_own_desk ON customers TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY supervisor_reads ON customers FOR SELECT TO huashu_supervisor USING (true);
            """),
        // A desk's steps since v5 carry what they did in typed columns; reports count from them.
        ("steps' typed columns", """
            ALTER TABLE call_steps ADD COLUMN entered text, ADD COLUMN raised text, ADD COLUMN answered text,
                ADD COLUMN returned_to text, ADD COLUMN outcome text;
            CREATE OR REPLACE VIEW team.call_steps AS
                SELECT s.id, n.number AS call_id, s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note,
                       s.stage, s.node, s.shown, s.events, s.state, s.prev_hash, s.hash, s.link, s.desk,
                       s.entered, s.raised, s.answered, s.returned_to, s.outcome
                FROM call_steps s JOIN call_numbers n ON n.desk = s.desk AND n.id = s.call_id;
            """),
        // The team's ledger, one row per plate, numbered by change so a desk pulls only what changed
        // since its last pull; follow-ups numbered the same way, for the agent whose customer they are.
        ("the team's ledger, pulled by desks", """
            CREATE SEQUENCE ledger_changes;
            CREATE TABLE ledger (
                plate text PRIMARY KEY,
                name text NOT NULL,
                honorific text, phone text, id_number text, model text, last_insurer text, last_premium text,
                commercial_expiry text, compulsory_expiry text, claims bigint, violations bigint, grade text, type text,
                agent text, vehicle_use text, notes text, contact text, holder_type text, last_cover text, sum_insured text,
                address text, commercial_insurer text, commercial_premium text, compulsory_insurer text, compulsory_premium text,
                extra text,
                do_not_call bigint NOT NULL DEFAULT 0,
                phone_invalid bigint NOT NULL DEFAULT 0,
                -- The agent before the last reassignment: that agent's desk pulls the row once more, and lets it go.
                previous_agent text,
                changed_by text NOT NULL,
                seq bigint NOT NULL DEFAULT nextval('ledger_changes')
            );
            CREATE INDEX ledger_by_seq ON ledger (seq);
            CREATE FUNCTION huashu_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                NEW.seq := nextval('ledger_changes');
                IF NEW.agent IS DISTINCT FROM OLD.agent THEN NEW.previous_agent := OLD.agent; END IF;
                RETURN NEW;
            END $f$;
            CREATE TRIGGER ledger_changed BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION huashu_ledger_changed();
            -- What an import held back for a person to decide, as the desk that imported it recorded it.
            CREATE TABLE ledger_review (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                plate text NOT NULL,
                kind text NOT NULL,
                field text NOT NULL,
                stored text, given text,
                message text NOT NULL,
                file text NOT NULL,
                row bigint,
                at text NOT NULL,
                PRIMARY KEY (desk, id)
            );
            -- A 勿扰 heard on any desk is the ledger's too.
            CREATE FUNCTION huashu_ledger_refusal() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
            BEGIN
                IF NEW.kind = 'do_not_call' THEN
                    UPDATE ledger SET do_not_call = 1, changed_by = NEW.desk WHERE plate = NEW.customer_key AND do_not_call = 0;
                END IF;
                RETURN NULL;
            END $f$;
            CREATE TRIGGER refusals_reach_ledger AFTER INSERT ON refusals FOR EACH ROW EXECUTE FUNCTION huashu_ledger_refusal();
            ALTER TABLE follow_ups ADD COLUMN seq bigint DEFAULT nextval('ledger_changes');
            CREATE INDEX follow_ups_by_seq ON follow_ups (seq);
            CREATE FUNCTION huashu_follow_up_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                NEW.seq := nextval('ledger_changes');
                RETURN NEW;
            END $f$;
            CREATE TRIGGER follow_ups_sequenced BEFORE UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION huashu_follow_up_changed();
            -- Follow-ups other desks booked for the customers the ledger gives `for_agent`, changed after `after`:
            -- for a desk the session's login owns (an agent reads no other desk's rows directly).
            CREATE FUNCTION huashu_follow_ups_for(for_desk text, for_agent text, after bigint, max_rows integer)
            RETURNS TABLE (seq bigint, desk text, id bigint, plate text, kind text, due_at text, done_at text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                SELECT f.seq, f.desk, f.id, u.plate, f.kind, f.due_at, f.done_at
                FROM follow_ups f
                JOIN customers u ON u.desk = f.desk AND u.id = f.customer_id
                LEFT JOIN ledger l ON l.plate = u.plate
                WHERE f.seq > after AND f.desk <> for_desk AND coalesce(l.agent, u.agent) = for_agent
                  AND EXISTS (SELECT 1 FROM desks d WHERE d.name = for_desk AND d.owner = session_user)
                ORDER BY f.seq LIMIT max_rows
            $f$;
            REVOKE ALL ON ledger, ledger_review FROM PUBLIC;
            REVOKE ALL ON FUNCTION huashu_follow_ups_for(text, text, bigint, integer) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION huashu_follow_ups_for(text, text, bigint, integer) TO huashu_agent, huashu_supervisor;
            GRANT USAGE ON SEQUENCE ledger_changes TO huashu_agent;
            GRANT SELECT, INSERT, UPDATE ON ledger TO huashu_agent;
            GRANT SELECT, INSERT ON ledger_review TO huashu_agent;
            GRANT SELECT ON ledger, ledger_review TO huashu_supervisor;
            ALTER TABLE ledger_review ENABLE ROW LEVEL SECURITY;
            CREATE POLICY agent_own_desk ON ledger_review TO huashu_agent USING (huashu_owns_desk(desk)) WITH CHECK (huashu_owns_desk(desk));
            CREATE POLICY supervisor_reads ON ledger_review FOR SELECT TO huashu_supervisor USING (true);
            """),
        // A re-chained desk (every hash recomputed by hand) still passes its own checks; what central recorded
        // at each push does not change with it, so `verify` on the desk compares against this.
        ("floor: each pushed call's chain head, recorded by the server and never rewritten", """
            CREATE TABLE chain_heads (
                desk text NOT NULL REFERENCES desks(name),
                call_id bigint NOT NULL,
                seq bigint NOT NULL,
                step_id bigint NOT NULL,
                hash text NOT NULL,
                link text NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (desk, call_id)
            );
            -- Kept by the server itself as steps arrive: no role writes a head, it only follows the pushed steps.
            CREATE FUNCTION huashu_record_chain_heads() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = public, pg_temp AS $f$
            BEGIN
                INSERT INTO chain_heads (desk, call_id, seq, step_id, hash, link)
                SELECT DISTINCT ON (desk, call_id) desk, call_id, seq, id, hash, link FROM pushed ORDER BY desk, call_id, seq DESC
                ON CONFLICT (desk, call_id) DO UPDATE SET seq = excluded.seq, step_id = excluded.step_id, hash = excluded.hash,
                    link = excluded.link, recorded_at = now()
                WHERE excluded.seq > chain_heads.seq;
                RETURN NULL;
            END $f$;
            CREATE TRIGGER call_steps_chain_heads AFTER INSERT ON call_steps REFERENCING NEW TABLE AS pushed
                FOR EACH STATEMENT EXECUTE FUNCTION huashu_record_chain_heads();
            CREATE FUNCTION huashu_chain_head_moves_on() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF NEW.desk IS DISTINCT FROM OLD.desk OR NEW.call_id IS DISTINCT FROM OLD.call_id OR NEW.seq <= OLD.seq THEN
                    PERFORM huashu_refuse('a recorded chain head only moves on to a later step of its call');
                END IF;
                RETURN NEW;
            END $f$;
            CREATE TRIGGER chain_heads_move_on BEFORE UPDATE ON chain_heads FOR EACH ROW EXECUTE FUNCTION huashu_chain_head_moves_on();
            CREATE TRIGGER chain_heads_kept BEFORE DELETE ON chain_heads FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER chain_heads_never_truncated BEFORE TRUNCATE ON chain_heads FOR EACH STATEMENT EXECUTE FUNCTION huashu_append_only();
            INSERT INTO chain_heads (desk, call_id, seq, step_id, hash, link)
            SELECT DISTINCT ON (desk, call_id) desk, call_id, seq, id, hash, link FROM call_steps ORDER BY desk, call_id, seq DESC;

            REVOKE ALL ON chain_heads FROM PUBLIC;
            GRANT SELECT ON chain_heads TO huashu_agent, huashu_supervisor;
            ALTER TABLE chain_heads ENABLE ROW LEVEL SECURITY;
            CREATE POLICY agent_own_desk ON chain_heads FOR SELECT TO huashu_agent USING (huashu_owns_desk(desk));
            CREATE POLICY supervisor_reads ON chain_heads FOR SELECT TO huashu_supervisor USING (true);
            """),
        // `huashu watch` listens instead of polling every desk: each push of steps, calls or follow-ups wakes it once.
        ("floor: pushed steps notify the wallboard", """
            CREATE FUNCTION huashu_floor_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                PERFORM pg_notify('huashu_floor', '');
                RETURN NULL;
            END $f$;
            CREATE TRIGGER call_steps_floor AFTER INSERT ON call_steps FOR EACH STATEMENT EXECUTE FUNCTION huashu_floor_changed();
            CREATE TRIGGER calls_floor AFTER INSERT OR UPDATE ON calls FOR EACH STATEMENT EXECUTE FUNCTION huashu_floor_changed();
            CREATE TRIGGER follow_ups_floor AFTER INSERT ON follow_ups FOR EACH STATEMENT EXECUTE FUNCTION huashu_floor_changed();
            -- The calls on the wallboard: the few not ended, out of every call ever pushed.
            CREATE INDEX calls_open ON calls (desk, id) WHERE ended_at IS NULL AND training = 0;
            """),
        ("floor: a supervisor lifts a 勿扰 on central, audited; desks pull the lift", """
            -- Who (the name given and the login), when and why; never changed or removed.
            CREATE TABLE refusal_lifts (
                id bigserial PRIMARY KEY,
                customer_key text NOT NULL,
                lifted_by text NOT NULL CHECK (lifted_by <> ''),
                login name NOT NULL,
                reason text NOT NULL CHECK (reason <> ''),
                at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TRIGGER refusal_lifts_append_only BEFORE UPDATE OR DELETE ON refusal_lifts FOR EACH ROW EXECUTE FUNCTION huashu_append_only();
            CREATE TRIGGER refusal_lifts_never_truncated BEFORE TRUNCATE ON refusal_lifts FOR EACH STATEMENT EXECUTE FUNCTION huashu_append_only();
            -- The one way a 勿扰 goes: the refusal and its audit row in one step, for supervisors only.
            CREATE FUNCTION huashu_lift_do_not_call(key text, by text, why text) RETURNS TABLE (lift bigint, refusals bigint)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
            DECLARE
                removed bigint;
            BEGIN
                IF NOT pg_has_role(session_user, 'huashu_supervisor', 'MEMBER')
                   AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
                    PERFORM huashu_refuse(format('only a supervisor lifts a 勿扰; %s is not one', session_user));
                END IF;
                DELETE FROM refusals WHERE customer_key = key AND kind = 'do_not_call';
                GET DIAGNOSTICS removed = ROW_COUNT;
                -- The team's ledger too, or the next pull of the row would bring the mark back to every desk.
                UPDATE ledger SET do_not_call = 0, changed_by = 'central' WHERE plate = key AND do_not_call <> 0;
                RETURN QUERY INSERT INTO refusal_lifts (customer_key, lifted_by, login, reason)
                    VALUES (key, by, session_user, why) RETURNING id, removed;
            END $f$;
            REVOKE ALL ON FUNCTION huashu_lift_do_not_call(text, text, text) FROM PUBLIC;
            -- Every role may ask, so an agent is told in words why not.
            GRANT EXECUTE ON FUNCTION huashu_lift_do_not_call(text, text, text) TO huashu_agent, huashu_supervisor, huashu_trainer;
            REVOKE ALL ON refusal_lifts FROM PUBLIC;
            GRANT SELECT ON refusal_lifts TO huashu_agent, huashu_supervisor;
            """),
        // A desk offline when the supervisor lifted a 勿扰 pushes its older refusal later: the lift, being later, stands.
        ("floor: a 勿扰 heard before a supervisor's lift and pushed after it does not bring the refusal back", """
            CREATE OR REPLACE FUNCTION huashu_refusal_from_call() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF NEW.outcome IN ('do_not_call', 'wrong_number') AND NEW.training = 0
                   AND NOT (NEW.outcome = 'do_not_call' AND EXISTS (
                       SELECT 1 FROM refusal_lifts l
                       WHERE l.customer_key = NEW.context::jsonb #>> '{customer,values,plate}'
                         AND l.at >= coalesce(NEW.ended_at, NEW.started_at)::timestamptz)) THEN
                    INSERT INTO refusals (customer_key, kind, phone, desk, call_id)
                    VALUES (NEW.context::jsonb #>> '{customer,values,plate}', NEW.outcome,
                            CASE WHEN NEW.outcome = 'wrong_number' THEN coalesce(NEW.context::jsonb #>> '{customer,values,phone}', '') ELSE '' END,
                            NEW.desk, NEW.id)
                    ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END $f$;
            """),
        // Steps pushed before migration 6 came with empty typed columns; `fillTypedColumns` fills them
        // from their events by the desk's own rule when this migration is applied.
        (typedColumnsFilled, "SELECT 1"),
        // A follow-up booked on one desk and honoured by a call on another is done on the booking desk's row too, so
        // no desk or report counts it overdue; and every agent a ledger row is taken from pulls it once more, however
        // many times it moved on since (me→X→Y between two of my pulls).
        ("team: follow-ups done by another desk's call; every agent a ledger row leaves", """
            -- The desk whose call honoured a follow-up another desk booked.
            -- Written to run again cleanly: a test takes the records of the migrations from 6 on back to upgrade once more.
            ALTER TABLE follow_ups ADD COLUMN IF NOT EXISTS done_on text;
            -- For a desk of the session's login that has pushed a live call to the customer: each follow-up named
            -- (booking desk, id, when done) that is still open is done, once; the others are left as they are.
            CREATE OR REPLACE FUNCTION huashu_follow_ups_done_on(for_desk text, done jsonb) RETURNS bigint
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
            DECLARE
                marked bigint;
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM desks d WHERE d.name = for_desk AND d.owner = session_user) THEN
                    PERFORM huashu_refuse(format('desk %s is not pushed by %s', for_desk, session_user));
                END IF;
                UPDATE follow_ups f SET done_at = v.done_at, done_on = for_desk
                FROM jsonb_to_recordset(done) AS v(desk text, id bigint, done_at text), customers u
                WHERE f.desk = v.desk AND f.id = v.id AND f.desk <> for_desk AND f.done_at IS NULL
                  AND u.desk = f.desk AND u.id = f.customer_id
                  AND EXISTS (SELECT 1 FROM calls c JOIN customers m ON m.desk = c.desk AND m.id = c.customer_id
                              WHERE c.desk = for_desk AND c.training = 0 AND m.plate = u.plate);
                GET DIAGNOSTICS marked = ROW_COUNT;
                RETURN marked;
            END $f$;
            REVOKE ALL ON FUNCTION huashu_follow_ups_done_on(text, jsonb) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION huashu_follow_ups_done_on(text, jsonb) TO huashu_agent, huashu_supervisor;
            CREATE INDEX IF NOT EXISTS follow_ups_done_on ON follow_ups (desk, seq) WHERE done_on IS NOT NULL;

            -- Every agent a ledger row was taken from, with the change that took it: `previous_agent` keeps only the last.
            CREATE TABLE IF NOT EXISTS ledger_reassignments (plate text NOT NULL, from_agent text NOT NULL, seq bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_reassignments_by_agent ON ledger_reassignments (from_agent, seq);
            INSERT INTO ledger_reassignments (plate, from_agent, seq)
                SELECT plate, previous_agent, seq FROM ledger l WHERE coalesce(trim(previous_agent), '') <> ''
                  AND NOT EXISTS (SELECT 1 FROM ledger_reassignments r WHERE r.plate = l.plate AND r.seq = l.seq);
            CREATE OR REPLACE FUNCTION huashu_ledger_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = public, pg_temp AS $f$
            BEGIN
                NEW.seq := nextval('ledger_changes');
                IF NEW.agent IS DISTINCT FROM OLD.agent THEN
                    NEW.previous_agent := OLD.agent;
                    IF coalesce(trim(OLD.agent), '') <> '' THEN
                        INSERT INTO ledger_reassignments (plate, from_agent, seq) VALUES (OLD.plate, OLD.agent, NEW.seq);
                    END IF;
                END IF;
                RETURN NEW;
            END $f$;
            REVOKE ALL ON ledger_reassignments FROM PUBLIC;
            GRANT SELECT ON ledger_reassignments TO huashu_agent, huashu_supervisor;
            """),
        // Written to run again on a store that has it (the typed columns' test applies the fill and every migration after it again).
        // A push of a million steps spent a fifth of the server's time checking each step's key to `desks` one row
        // at a time: checked once per statement instead, over the rows it inserted (a desk with steps still cannot
        // go or be renamed: the chain heads recorded for its steps keep their key to `desks`).
        ("push: a pushed step's desk checked once per statement, not per row; a call's steps indexed once", """
            ALTER TABLE call_steps DROP CONSTRAINT IF EXISTS call_steps_desk_fkey;
            CREATE OR REPLACE FUNCTION huashu_desks_known() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = public, pg_temp AS $f$
            DECLARE
                unknown text;
            BEGIN
                SELECT p.desk INTO unknown FROM pushed p WHERE NOT EXISTS (SELECT 1 FROM desks d WHERE d.name = p.desk) LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'huashu: % of desk % refused: the central store knows no such desk', TG_TABLE_NAME, unknown
                        USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END $f$;
            -- Named to fire before the chain heads' trigger, so an unknown desk is said as such.
            DROP TRIGGER IF EXISTS call_steps_by_known_desks ON call_steps;
            CREATE TRIGGER call_steps_by_known_desks AFTER INSERT ON call_steps REFERENCING NEW TABLE AS pushed
                FOR EACH STATEMENT EXECUTE FUNCTION huashu_desks_known();
            -- The same columns as the key UNIQUE (desk, call_id, seq): every step went into two identical indexes.
            DROP INDEX IF EXISTS call_steps_by_call;
            """),
        // A desk forgets a follow-up it marked done on central only once central has it done: the function says which.
        ("team: marking follow-ups done says which central has done", """
            -- Of the follow-ups named, those central now has done (marked now, or done before), each with whether this
            -- call marked it; one central refuses (no call of this desk to the customer) is not among them.
            CREATE OR REPLACE FUNCTION huashu_follow_ups_settled_on(for_desk text, done jsonb)
                RETURNS TABLE (settled_desk text, settled_id bigint, marked boolean)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM desks d WHERE d.name = for_desk AND d.owner = session_user) THEN
                    PERFORM huashu_refuse(format('desk %s is not pushed by %s', for_desk, session_user));
                END IF;
                RETURN QUERY
                WITH eligible AS (
                    SELECT f.desk AS d, f.id AS i, v.done_at AS at, f.done_at IS NULL AS open
                    FROM jsonb_to_recordset(done) AS v(desk text, id bigint, done_at text)
                    JOIN follow_ups f ON f.desk = v.desk AND f.id = v.id
                    JOIN customers u ON u.desk = f.desk AND u.id = f.customer_id
                    WHERE f.desk <> for_desk
                      AND EXISTS (SELECT 1 FROM calls c JOIN customers m ON m.desk = c.desk AND m.id = c.customer_id
                                  WHERE c.desk = for_desk AND c.training = 0 AND m.plate = u.plate)
                ), now_done AS (
                    UPDATE follow_ups f SET done_at = e.at, done_on = for_desk FROM eligible e
                    WHERE f.desk = e.d AND f.id = e.i AND e.open AND f.done_at IS NULL
                    RETURNING f.desk, f.id
                )
                SELECT n.desk, n.id, true FROM now_done n
                UNION ALL SELECT e.d, e.i, false FROM eligible e WHERE NOT e.open;
            END $f$;
            REVOKE ALL ON FUNCTION huashu_follow_ups_settled_on(text, jsonb) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION huashu_follow_ups_settled_on(text, jsonb) TO huashu_agent, huashu_supervisor;
            """),
        // Central numbers changes from one sequence, but transactions commit out of that order: a desk that pulled past
        // a number could never see a lower one that committed later. Each change now records its transaction, and a
        // pull takes changes in (transaction, number) order, only those of transactions finished before the oldest one
        // still running (`huashu_settled_after`): whatever commits later comes after the desk's mark.
        ("team: pulls hand out a change only once every transaction before it has ended", """
            -- Written to run again cleanly (the typed columns' test applies every migration after the fill again).
            -- Rows from before this migration are numbered with transaction 0: long ended. Nullable, as `seq` is: a push's
            -- staging tables (LIKE the table, without its defaults) hold no transaction.
            ALTER TABLE ledger ADD COLUMN IF NOT EXISTS xid xid8 DEFAULT '0';
            ALTER TABLE ledger ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
            ALTER TABLE ledger_reassignments ADD COLUMN IF NOT EXISTS xid xid8 DEFAULT '0';
            ALTER TABLE ledger_reassignments ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
            ALTER TABLE follow_ups ADD COLUMN IF NOT EXISTS xid xid8 DEFAULT '0';
            ALTER TABLE follow_ups ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
            ALTER TABLE refusal_lifts ADD COLUMN IF NOT EXISTS xid xid8 DEFAULT '0';
            ALTER TABLE refusal_lifts ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
            DROP INDEX IF EXISTS ledger_by_seq;
            CREATE INDEX IF NOT EXISTS ledger_by_change ON ledger (xid, seq);
            DROP INDEX IF EXISTS ledger_reassignments_by_agent;
            CREATE INDEX IF NOT EXISTS ledger_reassignments_by_change ON ledger_reassignments (from_agent, xid, seq);
            DROP INDEX IF EXISTS follow_ups_by_seq;
            CREATE INDEX IF NOT EXISTS follow_ups_by_change ON follow_ups (xid, seq);
            DROP INDEX IF EXISTS follow_ups_done_on;
            CREATE INDEX IF NOT EXISTS follow_ups_done_on_by_change ON follow_ups (desk, xid, seq) WHERE done_on IS NOT NULL;
            CREATE INDEX IF NOT EXISTS refusal_lifts_by_change ON refusal_lifts (xid, id);

            -- The one rule of every pull: a change (its transaction, its number) comes after the desk's mark, and its
            -- transaction, with every one before it, has ended, so nothing can still commit below what the desk takes.
            -- Plain SQL, so the planner inlines it and reads the (xid, seq) indexes from the mark.
            CREATE OR REPLACE FUNCTION huashu_settled_after(xid xid8, seq bigint, after_xid xid8, after_seq bigint) RETURNS boolean
            LANGUAGE sql STABLE AS $f$
                SELECT (xid, seq) > (after_xid, after_seq) AND xid < pg_snapshot_xmin(pg_current_snapshot())
            $f$;

            -- A change made by an update is the updating transaction's.
            CREATE OR REPLACE FUNCTION huashu_ledger_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = public, pg_temp AS $f$
            BEGIN
                NEW.seq := nextval('ledger_changes');
                NEW.xid := pg_current_xact_id();
                IF NEW.agent IS DISTINCT FROM OLD.agent THEN
                    NEW.previous_agent := OLD.agent;
                    IF coalesce(trim(OLD.agent), '') <> '' THEN
                        INSERT INTO ledger_reassignments (plate, from_agent, seq) VALUES (OLD.plate, OLD.agent, NEW.seq);
                    END IF;
                END IF;
                RETURN NEW;
            END $f$;
            CREATE OR REPLACE FUNCTION huashu_follow_up_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                NEW.seq := nextval('ledger_changes');
                NEW.xid := pg_current_xact_id();
                RETURN NEW;
            END $f$;

            DROP FUNCTION IF EXISTS huashu_follow_ups_for(text, text, bigint, integer);
            -- Follow-ups other desks booked for the customers the ledger gives `for_agent`, changed after the mark:
            -- for a desk the session's login owns (an agent reads no other desk's rows directly).
            CREATE OR REPLACE FUNCTION huashu_follow_ups_for(for_desk text, for_agent text, after_xid xid8, after_seq bigint, max_rows integer)
            RETURNS TABLE (xid xid8, seq bigint, desk text, id bigint, plate text, kind text, due_at text, done_at text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $f$
                SELECT f.xid, f.seq, f.desk, f.id, u.plate, f.kind, f.due_at, f.done_at
                FROM follow_ups f
                JOIN customers u ON u.desk = f.desk AND u.id = f.customer_id
                LEFT JOIN ledger l ON l.plate = u.plate
                WHERE huashu_settled_after(f.xid, f.seq, after_xid, after_seq)
                  AND f.desk <> for_desk AND coalesce(l.agent, u.agent) = for_agent
                  AND EXISTS (SELECT 1 FROM desks d WHERE d.name = for_desk AND d.owner = session_user)
                ORDER BY f.xid, f.seq LIMIT max_rows
            $f$;
            REVOKE ALL ON FUNCTION huashu_follow_ups_for(text, text, xid8, bigint, integer) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION huashu_follow_ups_for(text, text, xid8, bigint, integer) TO huashu_agent, huashu_supervisor;
            """),
        // The server's oldest running transaction may be in another database, or idle for hours: a pull that waited for
        // it handed out nothing. A pull now hands out every visible change after the mark; the desk applies them all
        // (again, harmlessly, until they settle) and moves its mark only over those below the snapshot's xmin.
        ("team: pulls hand out every visible change; the desk moves its mark over the settled ones", """
            CREATE OR REPLACE FUNCTION huashu_settled_after(xid xid8, seq bigint, after_xid xid8, after_seq bigint) RETURNS boolean
            LANGUAGE sql STABLE AS $f$
                SELECT (xid, seq) > (after_xid, after_seq)
            $f$;
            """),
    ]

    static let typedColumnsFilled = "v6-central: typed columns of steps pushed before migration 6, filled from their events"
    /// Steps read and written per round trip while filling.
    static let fillBatch = 5_000

    /// Fills the typed columns of every step that has none while its events say what it did, with
    /// `CallLogCodec.Columns` (the values the desk hashed), so `verify` and the report on central count it.
    /// The log is append-only for every login, so the owner lifts that trigger inside the migration's transaction.
    static func fillTypedColumns(_ central: CentralConnection) throws(CentralError) {
        try central.execute("ALTER TABLE call_steps DISABLE TRIGGER call_steps_append_only", what: "opening old steps for their typed columns")
        var after = (desk: "", id: "0")
        while true {
            let rows = try central.execute("""
                SELECT desk, id, events FROM call_steps
                WHERE (desk, id) > ($1, $2::bigint) AND entered IS NULL AND raised IS NULL AND answered IS NULL
                  AND returned_to IS NULL AND outcome IS NULL
                ORDER BY desk, id LIMIT \(fillBatch)
                """, [after.desk, after.id], what: "reading steps pushed before their typed columns")
            guard let last = rows.last else { break }
            let filled: [[String: String?]] = rows.compactMap { row in
                let columns = CallLogCodec.Columns(CallLogCodec.events(row[2] ?? "") ?? [])
                guard columns.values.contains(where: { $0 != nil }) else { return nil }
                return Dictionary(uniqueKeysWithValues: zip(["desk", "id"] + CallLogCodec.Columns.names, [row[0], row[1]] + columns.values))
            }
            if !filled.isEmpty {
                let json: String
                do {
                    json = String(decoding: try JSONEncoder().encode(filled), as: UTF8.self)
                } catch {
                    throw CentralError("cannot write steps' typed columns as JSON: \(error)")
                }
                let names = CallLogCodec.Columns.names
                try central.execute("""
                    UPDATE call_steps s SET \(names.map { "\($0) = v.\($0)" }.joined(separator: ", "))
                    FROM jsonb_to_recordset($1::jsonb) AS v(desk text, id bigint, \(names.map { "\($0) text" }.joined(separator: ", ")))
                    WHERE s.desk = v.desk AND s.id = v.id
                    """, [json], what: "filling steps' typed columns")
            }
            after = (last[0] ?? "", last[1] ?? "0")
        }
        try central.execute("ALTER TABLE call_steps ENABLE TRIGGER call_steps_append_only", what: "closing the log again")
    }

    /// The newest schema this build knows.
    public static var version: Int { migrations.count }

    /// Brings the central store to this build's schema, in one transaction, and
    /// returns the versions applied (none when it was already there).
    public static func migrate(_ central: CentralConnection) throws(CentralError) -> [String] {
        try central.transaction { () throws(CentralError) -> [String] in
            try central.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, what: "creating schema_migrations")
            // Two `central init` at once: the second waits, then finds nothing to do.
            try central.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", what: "locking schema_migrations")
            let current = try checkedVersion(central)
            var applied: [String] = []
            for (index, migration) in migrations.enumerated() where index + 1 > current {
                try central.executeScript(migration.sql, what: "migration \(index + 1) (\(migration.name))")
                if migration.name == typedColumnsFilled { try fillTypedColumns(central) }
                try central.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                    [String(index + 1), migration.name], what: "recording migration \(index + 1)")
                applied.append("\(index + 1): \(migration.name)")
            }
            return applied
        }
    }

    /// Refuses a central store this build cannot push to: none, older, or newer than it knows.
    public static func requireCurrent(_ central: CentralConnection) throws(CentralError) {
        let exists = try central.execute("SELECT to_regclass('schema_migrations') IS NOT NULL", what: "reading the schema version")
        guard exists.first?.first == "t" else {
            throw CentralError("\(central.url) has no huashu schema yet; set it up with `huashu central init URL`")
        }
        let current = try checkedVersion(central)
        guard current == version else {
            throw CentralError("\(central.url) has schema version \(current), this huashu writes \(version); "
                + "upgrade it with `huashu central init URL`")
        }
    }

    /// The applied version, refused when it is newer than this build knows, or when a migration applied under a
    /// number is not this build's migration of that number (a store set up by another build would be upgraded wrongly).
    private static func checkedVersion(_ central: CentralConnection) throws(CentralError) -> Int {
        let rows = try central.execute("SELECT version, name FROM schema_migrations ORDER BY version", what: "reading the schema version")
        let current = rows.last.flatMap { $0.first.flatMap { $0.flatMap { Int($0) } } } ?? 0
        guard current <= version else {
            throw CentralError("\(central.url) has schema version \(current), newer than this huashu knows (\(version)); "
                + "update huashu on this machine to use it")
        }
        for row in rows {
            guard let number = row.first.flatMap({ $0.flatMap { Int($0) } }), number >= 1, let name = row.count > 1 ? row[1] : nil else { continue }
            let expected = migrations[number - 1].name
            guard name == expected else {
                throw CentralError("\(central.url) has migration \(number) \"\(name)\" where this huashu has \"\(expected)\": "
                    + "the store was set up by another build of huashu; set up a new store with `huashu central init URL`, "
                    + "or use the build that set this one up")
            }
        }
        return current
    }
}

-- A seeded stream of random operations applied to the extension and to a
-- plain SQL reference model of the same semantics; after every step the
-- results (or SQLSTATEs) and the memberships must be equal.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username) SELECT i, 'u' || i FROM generate_series(1, 8) i;
INSERT INTO group_users.groups (id, name) SELECT i, 'g' || i FROM generate_series(1, 6) i;

CREATE SCHEMA ref;
CREATE TABLE ref.m (user_id bigint, group_id bigint, role text, PRIMARY KEY (user_id, group_id));

-- the reference: what each function is documented to do, in plain SQL;
-- u_side: the scalar id is a user (else a group); ids: the other side
CREATE FUNCTION ref.missing(u_side boolean, ids bigint[]) RETURNS bigint LANGUAGE sql AS $$
  SELECT min(i) FROM unnest(ids) i
   WHERE NOT EXISTS (SELECT FROM group_users.groups g WHERE u_side AND g.id = i)
     AND NOT EXISTS (SELECT FROM group_users.users u WHERE NOT u_side AND u.id = i) $$;
CREATE FUNCTION ref.check_ids(u_side boolean, self bigint, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN RAISE EXCEPTION 'null' USING ERRCODE = '22004'; END IF;
  IF array_position(ids, NULL) IS NOT NULL THEN RAISE EXCEPTION 'null' USING ERRCODE = '22004'; END IF;
  IF ref.missing(u_side, ids) IS NOT NULL THEN RAISE EXCEPTION 'missing' USING ERRCODE = '23503'; END IF;
  IF cardinality(ids) > 0 AND NOT EXISTS (
       SELECT FROM group_users.users u WHERE u_side AND u.id = self
       UNION ALL SELECT FROM group_users.groups g WHERE NOT u_side AND g.id = self) THEN
    RAISE EXCEPTION 'missing self' USING ERRCODE = '23503';
  END IF;
END $$;
-- rows of one side as (self, other) pairs
CREATE FUNCTION ref.pairs(u_side boolean, self bigint, ids bigint[])
RETURNS TABLE (user_id bigint, group_id bigint) LANGUAGE sql AS $$
  SELECT DISTINCT CASE WHEN u_side THEN self ELSE i END, CASE WHEN u_side THEN i ELSE self END
    FROM unnest(ids) i $$;
CREATE FUNCTION ref.add(u_side boolean, self bigint, ids bigint[], r text, update_roles boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  PERFORM ref.check_ids(u_side, self, ids);
  IF r = '' THEN RAISE EXCEPTION 'empty' USING ERRCODE = '22023'; END IF;
  IF update_roles THEN
    UPDATE ref.m SET role = r FROM ref.pairs(u_side, self, ids) p
     WHERE (m.user_id, m.group_id) = (p.user_id, p.group_id) AND m.role <> r;
  END IF;
  INSERT INTO ref.m SELECT p.user_id, p.group_id, r FROM ref.pairs(u_side, self, ids) p
    ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
CREATE FUNCTION ref.remove(u_side boolean, self bigint, ids bigint[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  IF array_position(ids, NULL) IS NOT NULL THEN RAISE EXCEPTION 'null' USING ERRCODE = '22004'; END IF;
  DELETE FROM ref.m m USING ref.pairs(u_side, self, ids) p
   WHERE (m.user_id, m.group_id) = (p.user_id, p.group_id);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
CREATE FUNCTION ref.set(u_side boolean, self bigint, ids bigint[], r text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE removed bigint; added bigint;
BEGIN
  PERFORM ref.check_ids(u_side, self, ids);
  DELETE FROM ref.m m WHERE CASE WHEN u_side THEN m.user_id ELSE m.group_id END = self
     AND CASE WHEN u_side THEN m.group_id ELSE m.user_id END <> ALL (ids);
  GET DIAGNOSTICS removed = ROW_COUNT;
  added := ref.add(u_side, self, ids, r, false);
  RETURN format('(%s,%s)', added, removed);
END $$;

-- The stream's numbers in [0, 1): random()'s generator changed in
-- PostgreSQL 15, a hash of a counter is the same stream on every version
CREATE SEQUENCE ref.draws;
CREATE FUNCTION ref.rnd() RETURNS float8 LANGUAGE sql AS $$
  SELECT (hashint8extended(nextval('ref.draws'), 20171117) & 2147483647)::float8
         / 2147483648 $$;

-- one random id array: 0 to 4 ids, duplicates, now and then a missing one
CREATE FUNCTION ref.ids(maxid int) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(1 + floor(ref.rnd() * (maxid + 1))::bigint), '{}')
    FROM generate_series(1, floor(ref.rnd() * 5)::int) $$;

DO $$
DECLARE
  step int;
  op int;
  u bigint; g bigint; ids bigint[]; r text;
  ours text; theirs text;
  our_state text; their_state text;
  errors int := 0;
  per_op int[] := array_fill(0, ARRAY[9]);
  differing bigint;
BEGIN
  FOR step IN 1 .. 3000 LOOP
    op := 1 + floor(ref.rnd() * 9)::int;
    per_op[op] := per_op[op] + 1;
    u := 1 + floor(ref.rnd() * 9)::bigint;     -- 9 does not exist
    g := 1 + floor(ref.rnd() * 7)::bigint;     -- 7 does not exist
    r := (ARRAY['member', 'admin', 'owner'])[1 + floor(ref.rnd() * 3)::int];
    ids := CASE WHEN op IN (4, 5, 6) THEN ref.ids(6) ELSE ref.ids(8) END;
    ours := NULL; theirs := NULL; our_state := 'ok'; their_state := 'ok';
    BEGIN
      ours := CASE op
        WHEN 1 THEN group_users.add_membership(u, g, r)::int::text
        WHEN 2 THEN group_users.remove_membership(u, g)::int::text
        WHEN 3 THEN group_users.is_member(u, g)::int::text
        WHEN 4 THEN group_users.add_memberships(u, ids, r)::text
        WHEN 5 THEN group_users.remove_memberships(u, ids)::text
        WHEN 6 THEN (SELECT format('(%s,%s)', added, removed) FROM group_users.set_user_groups(u, ids, r))
        WHEN 7 THEN group_users.add_group_members(g, ids, r)::text
        WHEN 8 THEN (SELECT format('(%s,%s)', added, removed) FROM group_users.set_group_members(g, ids, r))
        WHEN 9 THEN group_users.count_user_groups(u) || '/' || group_users.count_group_members(g) || '/' ||
                    group_users.is_member_of_all(u, ids)::int || '/' || group_users.is_member_of_any(u, ids)::int
      END;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS our_state = RETURNED_SQLSTATE;
    END;
    BEGIN
      theirs := CASE op
        WHEN 1 THEN (ref.add(true, u, ARRAY[g], r, true) > 0)::int::text
        WHEN 2 THEN (ref.remove(true, u, ARRAY[g]) > 0)::int::text
        WHEN 3 THEN (EXISTS (SELECT FROM ref.m WHERE user_id = u AND group_id = g))::int::text
        WHEN 4 THEN ref.add(true, u, ids, r, true)::text
        WHEN 5 THEN ref.remove(true, u, ids)::text
        WHEN 6 THEN ref.set(true, u, ids, r)
        WHEN 7 THEN ref.add(false, g, ids, r, true)::text
        WHEN 8 THEN ref.set(false, g, ids, r)
        WHEN 9 THEN (SELECT count(*) FROM ref.m WHERE user_id = u) || '/' ||
                    (SELECT count(*) FROM ref.m WHERE group_id = g) || '/' ||
                    (NOT EXISTS (SELECT FROM unnest(ids) i WHERE NOT EXISTS (
                       SELECT FROM ref.m WHERE user_id = u AND group_id = i)))::int || '/' ||
                    (EXISTS (SELECT FROM ref.m WHERE user_id = u AND group_id = ANY (ids)))::int
      END;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS their_state = RETURNED_SQLSTATE;
    END;
    IF our_state <> 'ok' THEN errors := errors + 1; END IF;
    IF our_state IS DISTINCT FROM their_state OR ours IS DISTINCT FROM theirs THEN
      RAISE EXCEPTION 'step %: op % (u %, g %, ids %, role %): extension % %, reference % %',
        step, op, u, g, ids, r, our_state, ours, their_state, theirs;
    END IF;
    SELECT count(*) INTO differing FROM (
      (SELECT user_id, group_id, role FROM group_users.group_users
       EXCEPT SELECT user_id, group_id, role FROM ref.m)
      UNION ALL
      (SELECT user_id, group_id, role FROM ref.m
       EXCEPT SELECT user_id, group_id, role FROM group_users.group_users)) d;
    IF differing > 0 THEN
      RAISE EXCEPTION 'step %: op % (u %, g %, ids %, role %): % rows differ', step, op, u, g, ids, r, differing;
    END IF;
  END LOOP;
  RAISE NOTICE '3000 steps equal; % of them errors; steps per operation %', errors, per_op;
END
$$;
-- the final state is not trivial (all three roles occur)
SELECT count(*) > 10 AS some_rows, count(DISTINCT role) AS roles FROM group_users.group_users;
DROP SCHEMA ref CASCADE;

"""group_users from Python with psycopg 3 (Debian 12's python3-psycopg).

Each call is one statement; what comes back is what psycopg makes of the
function's SQL type: json as dicts and lists, bigint as int, timestamptz as
an aware datetime, errors as the psycopg.errors class of their SQLSTATE.
Run by scripts/python-test.sh in a pg_virtualenv cluster (libpq's PG*
variables say where); makes and drops its own database.
"""

import threading
import time
import unittest

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

DB = "gu_psycopg"


def setUpModule():
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(f"dbname={DB}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION group_users")


def tearDownModule():
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def connect(**kwargs):
    return psycopg.connect(f"dbname={DB}", **kwargs)


class GroupUsersTest(unittest.TestCase):
    def setUp(self):
        self.conn = connect(autocommit=True)
        self.conn.execute(
            "TRUNCATE group_users.group_users, group_users.users, "
            "group_users.groups RESTART IDENTITY")
        self.conn.execute(
            "INSERT INTO group_users.users (username, email) "
            "VALUES ('ozmic', 'ozmic@example.com'), ('bob', NULL)")
        self.conn.execute(
            "INSERT INTO group_users.groups (name) "
            "VALUES ('Andela'), ('Post-it devs'), ('Ops')")

    def tearDown(self):
        self.conn.close()

    def call(self, sql, *args):
        return self.conn.execute(sql, args).fetchone()[0]

    def test_tutorial_json_is_a_dict_in_sequelize_shape(self):
        self.assertIs(self.call("SELECT group_users.add_membership(%s, %s)", 1, 1), True)
        self.assertIs(self.call("SELECT group_users.add_membership(%s, %s)", 1, 1), False)
        self.call("SELECT group_users.add_membership(%s, %s, %s)", 1, 2, "admin")

        user = self.call("SELECT group_users.user_with_groups(%s)", 1)
        self.assertIsInstance(user, dict)
        self.assertEqual(list(user),
                         ["id", "username", "email", "createdAt", "updatedAt", "groups"])
        self.assertEqual(user["username"], "ozmic")
        self.assertEqual([(g["id"], g["name"], g["GroupUsers"]["role"]) for g in user["groups"]],
                         [(1, "Andela", "member"), (2, "Post-it devs", "admin")])
        self.assertEqual(list(user["groups"][0]["GroupUsers"]),
                         ["userId", "groupId", "role", "createdAt", "updatedAt"])
        # Date.prototype.toJSON()'s form: UTC, milliseconds, Z
        self.assertRegex(user["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        bare = self.call("SELECT group_users.user_with_groups(%s, with_membership => false)", 1)
        self.assertNotIn("GroupUsers", bare["groups"][0])
        self.assertIsNone(self.call("SELECT group_users.user_with_groups(%s)", 42))

        group = self.call("SELECT group_users.group_with_users(%s)", 2)
        self.assertEqual([u["username"] for u in group["users"]], ["ozmic"])

    def test_rows_with_dict_row(self):
        self.call("SELECT group_users.add_memberships(%s, %s)", 1, [3, 1])
        with self.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute("SELECT * FROM group_users.user_groups(%s)", (1,)).fetchall()
        self.assertEqual([(r["id"], r["name"], r["role"]) for r in rows],
                         [(1, "Andela", "member"), (3, "Ops", "member")])
        self.assertIsNotNone(rows[0]["joined_at"].tzinfo)
        members = self.conn.execute(
            "SELECT id, username FROM group_users.group_members(%s)", (1,)).fetchall()
        self.assertEqual(members, [(1, "ozmic")])

    def test_lists_are_arrays(self):
        added = self.call("SELECT group_users.add_memberships(%s, %s)", 1, [3, 1, 3])
        self.assertEqual(added, 2)
        row = self.conn.execute(
            "SELECT added, removed FROM group_users.set_user_groups(%s, %s)",
            (1, [2, 3])).fetchone()
        self.assertEqual(row, (1, 1))
        self.assertEqual(self.call("SELECT group_users.count_user_groups(%s)", 1), 2)
        self.assertIs(self.call("SELECT group_users.is_member_of_all(%s, %s)", 1, [2, 3]), True)
        self.assertIs(self.call("SELECT group_users.is_member_of_any(%s, %s)", 1, []), False)
        # one document per listed user that exists, in the list's order
        docs = [r[0] for r in self.conn.execute(
            "SELECT group_users.users_with_groups(%s)", ([2, 99, 1],))]
        self.assertEqual([(d["id"], len(d["groups"])) for d in docs], [(2, 0), (1, 2)])
        gid = self.call("SELECT group_users.create_group(%s, %s)", "New", [1, 2])
        self.assertEqual(self.call("SELECT group_users.count_group_members(%s)", gid), 2)

    def test_ids_beyond_2_53_stay_exact(self):
        # JavaScript rounds these; Python ints and its json module do not
        big = 2**62 + 1
        self.conn.execute(
            "INSERT INTO group_users.users (id, username) VALUES (%s, 'big')", (big,))
        self.call("SELECT group_users.add_membership(%s, %s)", big, 1)
        self.assertIs(self.call("SELECT group_users.is_member(%s, %s)", big, 1), True)
        self.assertEqual(self.call("SELECT group_users.user_with_groups(%s)", big)["id"], big)
        self.assertEqual(
            self.conn.execute("SELECT id FROM group_users.group_members(%s)", (1,)).fetchall(),
            [(big,)])

    def test_errors_are_their_sqlstate_classes(self):
        with self.assertRaises(errors.ForeignKeyViolation) as cm:
            self.call("SELECT group_users.add_membership(%s, %s)", 99, 1)
        self.assertEqual(cm.exception.sqlstate, "23503")
        self.assertEqual(cm.exception.diag.message_primary, "user 99 does not exist")
        self.assertEqual(cm.exception.diag.constraint_name, "group_users_user_id_fkey")

        with self.assertRaises(errors.ForeignKeyViolation) as cm:
            self.call("SELECT group_users.add_memberships(%s, %s)", 1, [1, 77])
        self.assertEqual(cm.exception.diag.message_primary, "group 77 does not exist")
        self.assertEqual(self.call("SELECT group_users.count_user_groups(%s)", 1), 0)

        with self.assertRaises(errors.NullValueNotAllowed):
            self.call("SELECT group_users.add_memberships(%s, %s)", 1, [1, None])
        with self.assertRaises(errors.InvalidParameterValue) as cm:
            self.call("SELECT group_users.add_membership(%s, %s, %s)", 1, 1, "")
        self.assertEqual(cm.exception.diag.message_primary, 'argument "role" must not be empty')

    def test_rolled_back_with_the_transaction(self):
        with connect() as conn:
            with conn.transaction(force_rollback=True):
                conn.execute("SELECT group_users.add_membership(1, 1)")
                self.assertIs(conn.execute(
                    "SELECT group_users.is_member(1, 1)").fetchone()[0], True)
        self.assertIs(self.call("SELECT group_users.is_member(%s, %s)", 1, 1), False)

    def test_concurrent_add_waits_and_reports_the_pair_there(self):
        # Two sessions add the same pair: the second waits for the first's
        # transaction and, once it commits, returns False (no error, no
        # duplicate), as INSERT ... ON CONFLICT DO NOTHING would.
        first = connect()
        second = connect(autocommit=True)
        try:
            self.assertIs(first.execute(
                "SELECT group_users.add_membership(1, 3)").fetchone()[0], True)
            result = {}

            def add():
                result["second"] = second.execute(
                    "SELECT group_users.add_membership(1, 3)").fetchone()[0]

            t = threading.Thread(target=add)
            t.start()
            waited = False
            for _ in range(1000):  # up to 10 s on a slow machine
                if self.call(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE pid = %s AND wait_event_type = 'Lock'",
                        second.info.backend_pid) == 1:
                    waited = True
                    break
                time.sleep(0.01)
            self.assertTrue(waited, "the second add did not wait for the first")
            self.assertNotIn("second", result)
            first.commit()
            t.join(10)
            self.assertIs(result.get("second"), False)
        finally:
            first.close()
            second.close()
        self.assertEqual(self.call(
            "SELECT count(*) FROM group_users.group_users WHERE user_id = 1 AND group_id = 3"), 1)


if __name__ == "__main__":
    unittest.main()

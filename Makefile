# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The demo users of `make run` sign in without a second factor (development only: honoured with
# DEBUG alone, refused by a system check in production). Set MFA_EXEMPT_USERNAMES= to try enrolment.
DEMO_USERS := comms,tst,clerk,admin

.PHONY: install run test lint check-deploy worker worker-capture beat bench-public clean screenshots

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Starts the portal with demo data on SQLite (var/portal.sqlite3), tasks in-process.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	MFA_EXEMPT_USERNAMES=$${MFA_EXEMPT_USERNAMES-$(DEMO_USERS)} $(BIN)/python manage.py runserver $(HOST)

# The whole suite. On PostgreSQL when DATABASE_URL is set, else SQLite; tests that need
# Redis, a worker or Chromium skip with a reason unless REQUIRE_SERVICES=1.
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	CONNECTOR_TOKEN_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	ALLOWED_HOSTS=social.citykankakee-il.gov DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The default queue: e-mails, FOIA exports, the purge, the beat's small jobs.
worker: install
	$(BIN)/celery -A config worker -l INFO

# Automatic capture on a queue of its own (CAPTURE_QUEUE), so a slow platform never delays the rest.
worker-capture: install
	$(BIN)/celery -A config worker -l INFO -Q $${CAPTURE_QUEUE:-capture}

beat: install
	$(BIN)/celery -A config beat -l INFO

# The public pages under a crowd (bench/public_load.py): needs PostgreSQL (DATABASE_URL), Redis
# (REDIS_URL) and the load tool wrk (Debian: apt-get install wrk). Not part of the tests.
bench-public: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 2; }
	$(BIN)/python bench/public_load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var staticfiles

# PNGs of each role's daily screens at 1366px and 375px wide, in var/screenshots/ (not committed):
# the browser test of the staff screens, run against demo-sized data with Chromium.
screenshots: install
	rm -rf var/screenshots
	SCREENSHOT_DIR=var/screenshots REQUIRE_SERVICES=1 $(BIN)/pytest -q -p no:cacheprovider \
		tests/e2e/test_staff_screens.py::test_each_role_screens_fit_laptop_and_phone_and_pass_axe
	@ls var/screenshots

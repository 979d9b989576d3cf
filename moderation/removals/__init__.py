"""Removals, reports to the Communications Office, referrals, notices and account
restrictions (Ordinance 2019-70, Sec. V and VI): services, pages, tasks, transparency."""

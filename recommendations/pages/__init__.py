"""Server-rendered pages for people who do not read JSON (dashboard, recommendation page,
sign-in). They read through the same selectors as the API and write through the same
services, so a page and the API never disagree."""

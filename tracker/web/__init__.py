"""Web plumbing shared by every feature's views: the request lifecycle and its helpers (`views`), form
fields (`forms`), conflicts on save (`conflicts`), downloads and list exports (`downloads`), the
templates' filters, globals and fast GOV.UK markup (`filters`, `markup`, `context`), URL converters
(`routing`) and the response headers (`security`). Nothing in the domain imports from here."""

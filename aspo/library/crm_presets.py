"""The CRM exports `aspo import --preset` knows: each CRM's own headers, stage names and closed stages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """One CRM's standard export: for each field, the headers looked for, first found first (a tuple of
    several is one field made of several columns, joined); its stages and closed stages; and how it writes
    list and date cells."""

    name: str
    columns: dict[str, tuple[tuple[str, ...], ...]]
    stages: dict[str, str]
    outcomes: dict[str, str]
    split: dict[str, str]
    dates: str  # how its exports write dates, for --show-mapping and the docs


# Salesforce: the labels a report shows, and exports as headers (Export > Details only).
# Opportunity fields: Salesforce Help, "Opportunity Fields" (help.salesforce.com, sales.opp_fields.htm): Account
# Name, Opportunity Name, Stage, Amount, Close Date, Next Step, Opportunity Owner, Description, Type.
# Contact fields, as the "Opportunities with Contact Roles" report adds them: Salesforce Help, "Contact Fields"
# (sales.contacts_fields.htm): First Name, Last Name, Title, Email.
# Account fields: Salesforce Help, "Account Fields" (sales.account_fields.htm): Industry, Employees.
# Stage history: Object Reference, "Opportunity" (LastStageChangeDate, labelled "Last Stage Change Date").
# Multi-select picklists export their values joined by ';'. Dates are written in the exporting user's locale
# (12/5/2026 for en_US, 05/12/2026 for en_GB, 05.12.2026 for de): the export's own dates tell the order, else
# date_order: in a --map file does.
SALESFORCE = Preset(
    name="salesforce",
    columns={
        "name": (("Account Name",), ("Account: Account Name",)),
        "industry": (("Industry",), ("Account: Industry",)),
        "employees": (("Employees",), ("Account: Employees",)),
        "region": (("Region",), ("Sales Region",), ("Territory",)),
        "stage": (("Stage",),),
        "opportunity": (("Opportunity ID",), ("Opportunity: Opportunity ID",)),
        "stage_date": (("Last Stage Change Date",), ("Stage Date",)),
        "meeting_date": (("Meeting Date",), ("Next Meeting Date",)),
        "meeting_goal": (("Meeting Goal",),),
        "contact_name": (("First Name", "Last Name"), ("Contact: Full Name",), ("Contact Name",), ("Full Name",)),
        "contact_title": (("Title",), ("Contact: Title",), ("Contact Title",)),
        "contact_email": (("Email",), ("Contact: Email",), ("Contact Email",)),
        "priorities": (("Priorities",),),
        "owns": (("Products Owned",),),
        "competitors": (("Competitors",), ("Main Competitor(s)",)),
        "next_step": (("Next Step",),),
        "next_step_date": (("Next Step Date",),),
        "rep_name": (("Opportunity Owner",), ("Account Owner",), ("Owner Name",)),
        "rep_email": (("Opportunity Owner: Email",), ("Owner Email",)),
    },
    # Salesforce's default opportunity stage picklist (Salesforce Help, "Opportunity Fields": Stage).
    stages={
        "Prospecting": "awareness",
        "Qualification": "awareness",
        "Needs Analysis": "awareness",
        "Value Proposition": "consideration",
        "Id. Decision Makers": "consideration",
        "Perception Analysis": "consideration",
        "Proposal/Price Quote": "decision",
        "Negotiation/Review": "decision",
    },
    outcomes={"Closed Won": "won", "Closed Lost": "lost"},
    split={"priorities": "line", "owns": ";", "competitors": ";"},
    dates="the exporting user's locale (12/5/2026, 05/12/2026 or 05.12.2026); the export's dates tell the order",
)

# HubSpot: the property labels an export writes as headers (Export > "Include properties": labels, not names).
# Deal properties: HubSpot Knowledge Base, "HubSpot's default deal properties" (knowledge.hubspot.com/properties/
# hubspots-default-deal-properties): Deal Name, Deal Stage, Amount, Close Date, Deal owner, Deal Description,
# Next step, Next Activity Date, Record ID; "Date entered current stage" (KB: "Use stage calculated properties").
# Company properties (KB, "HubSpot's default company properties"): Company name, Industry, Number of Employees,
# Country/Region. Contact properties (KB, "HubSpot's default contact properties"): First Name, Last Name, Job
# Title, Email. A deals export that includes the associated company and contact writes their labels as these.
# Multiple checkboxes export their values joined by ';'. Dates are written YYYY-MM-DD (with a time: YYYY-MM-DD
# HH:MM).
HUBSPOT = Preset(
    name="hubspot",
    columns={
        "name": (("Company name",), ("Associated Company",), ("Company",)),
        "industry": (("Industry",),),
        "employees": (("Number of Employees",),),
        "region": (("Country/Region",), ("Region",)),
        "stage": (("Deal Stage",),),
        "opportunity": (("Record ID",), ("Deal ID",)),
        "stage_date": (("Date entered current stage",),),
        "meeting_date": (("Meeting Date",),),
        "meeting_goal": (("Meeting Goal",),),
        "contact_name": (("First Name", "Last Name"), ("Associated Contact",), ("Contact Name",)),
        "contact_title": (("Job Title",),),
        "contact_email": (("Email",),),
        "priorities": (("Priorities",),),
        "owns": (("Products Owned",),),
        "competitors": (("Competitors",),),
        "next_step": (("Next step",),),
        # the next scheduled task, call or meeting: a date for the next step, not necessarily a meeting
        "next_step_date": (("Next Activity Date",), ("Next Step Date",)),
        "rep_name": (("Deal owner",), ("Company owner",), ("Contact owner",)),
        "rep_email": (("Deal owner email",), ("Owner Email",)),
    },
    # HubSpot's default sales pipeline (KB, "Set up and customize your deal pipelines and deal stages"), matched
    # by label ("Decision Maker Bought-In") and by internal id ("decisionmakerboughtin") alike.
    stages={
        "Appointment Scheduled": "awareness",
        "Qualified To Buy": "consideration",
        "Presentation Scheduled": "consideration",
        "Decision Maker Bought-In": "decision",
        "Contract Sent": "decision",
    },
    outcomes={"Closed Won": "won", "Closed Lost": "lost"},
    split={"priorities": "line", "owns": ";", "competitors": ";"},
    dates="YYYY-MM-DD, a time after it ignored",
)

PRESETS = {preset.name: preset for preset in (SALESFORCE, HUBSPOT)}

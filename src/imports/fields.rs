//! What a column can be imported as, per entity, and the automatic
//! mapping from a file's headers: the names HubSpot, Salesforce and
//! Pipedrive exports (and people) give their columns, compared without
//! case, spaces or punctuation, with Pipedrive's `Person - ` style prefixes
//! understood.

use serde::Serialize;

/// What an import creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Contacts,
    Companies,
    Leads,
    Deals,
}

impl Entity {
    pub const ALL: [Entity; 4] = [Entity::Contacts, Entity::Companies, Entity::Leads, Entity::Deals];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Contacts => "contacts",
            Entity::Companies => "companies",
            Entity::Leads => "leads",
            Entity::Deals => "deals",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The custom field entity (`custom_field_definitions.entity`).
    pub fn custom_entity(self) -> &'static str {
        match self {
            Entity::Contacts => "contact",
            Entity::Companies => "company",
            Entity::Leads => "lead",
            Entity::Deals => "deal",
        }
    }
}

/// A field a column can be mapped to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldSpec {
    /// The name used in `mapping`: a built-in field, or
    /// `custom_fields.<key>`.
    pub name: String,
    pub label: String,
    /// A row without a value here is invalid.
    pub required: bool,
}

/// (name, label, required, header aliases). Aliases are normalised
/// (lowercase letters and digits only).
type Builtin = (&'static str, &'static str, bool, &'static [&'static str]);

const CONTACT_FIELDS: &[Builtin] = &[
    (
        "first_name",
        "First name",
        false,
        &["firstname", "first", "givenname", "forename", "personfirstname", "contactfirstname"],
    ),
    (
        "last_name",
        "Last name",
        false,
        &["lastname", "last", "surname", "familyname", "personlastname", "contactlastname"],
    ),
    (
        "full_name",
        "Full name (split into first and last)",
        false,
        &["name", "fullname", "contactname", "personname", "contact", "person"],
    ),
    (
        "email",
        "Email",
        false,
        &[
            "email",
            "emailaddress",
            "email1",
            "workemail",
            "primaryemail",
            "personemail",
            "emailwork",
            "contactemail",
            "mail",
        ],
    ),
    (
        "phone",
        "Phone",
        false,
        &[
            "phone",
            "phonenumber",
            "mobile",
            "mobilephone",
            "mobilephonenumber",
            "workphone",
            "personphone",
            "phonework",
            "telephone",
            "tel",
            "businessphone",
        ],
    ),
    (
        "company",
        "Company (by name; created when missing)",
        false,
        &[
            "company",
            "companyname",
            "accountname",
            "account",
            "organization",
            "organizationname",
            "organisation",
            "organisationname",
            "associatedcompany",
            "employer",
        ],
    ),
    ("job_title", "Job title", false, &["jobtitle", "title", "position", "role", "personjobtitle"]),
    ("lead_source", "Lead source", false, &["leadsource", "source", "originalsource", "personsource"]),
    ("tags", "Tags (separated by ; , or |)", false, &["tags", "tag", "labels", "label", "personlabels", "personlabel"]),
    (
        "owner",
        "Owner (a member's email or name)",
        false,
        &[
            "owner",
            "contactowner",
            "recordowner",
            "personowner",
            "ownername",
            "owneremail",
            "hubspotowner",
            "assignedto",
        ],
    ),
];

const COMPANY_FIELDS: &[Builtin] = &[
    (
        "name",
        "Name",
        true,
        &[
            "name",
            "companyname",
            "accountname",
            "organizationname",
            "organisationname",
            "company",
            "organization",
            "organisation",
            "account",
        ],
    ),
    ("domain", "Domain", false, &["domain", "companydomainname", "domainname", "emaildomain", "organizationdomain"]),
    ("industry", "Industry", false, &["industry", "organizationindustry", "sector"]),
    (
        "size",
        "Size (employees)",
        false,
        &["size", "companysize", "employees", "numberofemployees", "employeecount", "organizationsize"],
    ),
    ("website", "Website", false, &["website", "websiteurl", "url", "web", "organizationwebsite", "homepage"]),
    (
        "status",
        "Status (prospect, customer, partner, churned, inactive)",
        false,
        &["status", "companystatus", "accountstatus"],
    ),
    (
        "owner",
        "Owner (a member's email or name)",
        false,
        &["owner", "companyowner", "accountowner", "organizationowner", "recordowner", "assignedto"],
    ),
    ("renewal_date", "Renewal date", false, &["renewaldate", "renewal", "contractrenewaldate"]),
    ("upsell_opportunity", "Upsell opportunity", false, &["upsellopportunity", "upsell", "description", "notes"]),
];

const LEAD_FIELDS: &[Builtin] = &[
    ("first_name", "First name", false, &["firstname", "first", "givenname", "leadfirstname", "personfirstname"]),
    ("last_name", "Last name", false, &["lastname", "last", "surname", "familyname", "leadlastname", "personlastname"]),
    (
        "full_name",
        "Full name (split into first and last)",
        false,
        &["name", "fullname", "leadname", "personname", "contactname", "person"],
    ),
    ("email", "Email", false, &["email", "emailaddress", "workemail", "leademail", "personemail", "mail"]),
    (
        "phone",
        "Phone",
        false,
        &["phone", "phonenumber", "mobile", "mobilephone", "leadphone", "personphone", "telephone"],
    ),
    (
        "company_name",
        "Company name",
        false,
        &["company", "companyname", "organization", "organizationname", "organisation", "accountname", "account"],
    ),
    ("company_size", "Company size", false, &["companysize", "size", "employees", "numberofemployees"]),
    ("job_title", "Job title", false, &["jobtitle", "title", "position"]),
    (
        "estimated_value",
        "Estimated value",
        false,
        &["estimatedvalue", "value", "leadvalue", "amount", "dealvalue", "budget"],
    ),
    ("source", "Source", false, &["source", "leadsource", "originalsource", "channel"]),
    ("owner", "Owner (a member's email or name)", false, &["owner", "leadowner", "recordowner", "assignedto"]),
    ("next_action", "Next action", false, &["nextaction", "nextstep", "nextactivity"]),
    (
        "next_action_date",
        "Next action date",
        false,
        &["nextactiondate", "followupdate", "nextactivitydate", "nextstepdate"],
    ),
    ("notes", "Notes", false, &["notes", "note", "description", "comments", "comment"]),
    ("tags", "Tags (separated by ; , or |)", false, &["tags", "tag", "labels", "label", "leadlabels"]),
];

const DEAL_FIELDS: &[Builtin] = &[
    ("title", "Title", true, &["title", "dealtitle", "dealname", "name", "opportunityname", "opportunity", "deal"]),
    (
        "amount",
        "Amount (e.g. 1,500.00)",
        false,
        &["amount", "value", "dealvalue", "dealamount", "opportunityamount", "revenue"],
    ),
    (
        "currency",
        "Currency (ISO code)",
        false,
        &["currency", "dealcurrency", "currencycode", "opportunitycurrency", "amountcurrency"],
    ),
    ("pipeline", "Pipeline (by name)", false, &["pipeline", "dealpipeline", "pipelinename"]),
    ("stage", "Stage (by name)", false, &["stage", "dealstage", "stagename", "opportunitystage", "status"]),
    (
        "probability",
        "Probability (0-100)",
        false,
        &["probability", "dealprobability", "probabilitypercent", "winprobability"],
    ),
    (
        "expected_close_date",
        "Expected close date",
        false,
        &["expectedclosedate", "closedate", "dealexpectedclosedate", "closingdate", "expectedclose"],
    ),
    ("next_action", "Next action", false, &["nextaction", "nextstep", "nextactivity"]),
    ("next_action_date", "Next action date", false, &["nextactiondate", "nextactivitydate", "nextstepdate"]),
    (
        "owner",
        "Owner (a member's email or name)",
        false,
        &["owner", "dealowner", "opportunityowner", "recordowner", "assignedto"],
    ),
    (
        "contact_email",
        "Contact (email of an existing contact)",
        false,
        &["contactemail", "personemail", "email", "emailaddress", "primarycontactemail"],
    ),
    (
        "company",
        "Company (name of an existing company)",
        false,
        &["company", "companyname", "organization", "organizationname", "organisation", "accountname", "account"],
    ),
    ("tags", "Tags (separated by ; , or |)", false, &["tags", "tag", "labels", "label", "deallabels", "deallabel"]),
];

/// The built-in fields of `entity`.
fn builtins(entity: Entity) -> &'static [Builtin] {
    match entity {
        Entity::Contacts => CONTACT_FIELDS,
        Entity::Companies => COMPANY_FIELDS,
        Entity::Leads => LEAD_FIELDS,
        Entity::Deals => DEAL_FIELDS,
    }
}

/// A custom field definition, as far as an import needs it.
#[derive(Debug, Clone)]
pub struct CustomDef {
    pub key: String,
    pub label: String,
    pub field_type: String,
    pub options: Vec<String>,
}

/// Every field of `entity`: the built-ins, then its custom fields.
pub fn fields(entity: Entity, custom: &[CustomDef]) -> Vec<FieldSpec> {
    let mut out: Vec<FieldSpec> = builtins(entity)
        .iter()
        .map(|(name, label, required, _)| FieldSpec {
            name: (*name).into(),
            label: (*label).into(),
            required: *required,
        })
        .collect();
    out.extend(custom.iter().map(|d| FieldSpec {
        name: format!("custom_fields.{}", d.key),
        label: format!("{} (custom field)", d.label),
        required: false,
    }));
    out
}

/// Lowercase letters and digits only: "E-mail Address" -> "emailaddress".
pub fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The header without an export's record-type prefix ("Person - Email",
/// "Deal - Value", "Organization - Name"), normalised.
fn without_prefix(header: &str, entity: Entity) -> Option<String> {
    let (prefix, rest) = header.split_once(" - ")?;
    let p = normalise(prefix);
    // Pipedrive names the record type before " - ". A prefix of the type
    // being imported is dropped ("Deal - Title" -> "title" for deals); any
    // other type stays (a contact's "Organization - Name" is its company).
    let own = match entity {
        Entity::Contacts => ["person", "contact"].contains(&p.as_str()),
        Entity::Companies => ["organization", "organisation", "company", "account"].contains(&p.as_str()),
        Entity::Leads => ["lead", "person"].contains(&p.as_str()),
        Entity::Deals => ["deal", "opportunity"].contains(&p.as_str()),
    };
    Some(if own { normalise(rest) } else { format!("{p}{}", normalise(rest)) })
}

/// The field a header most likely holds, if any.
pub fn guess(entity: Entity, header: &str, custom: &[CustomDef]) -> Option<String> {
    let mut keys = vec![normalise(header)];
    if let Some(k) = without_prefix(header, entity) {
        keys.insert(0, k);
    }
    for key in &keys {
        if key.is_empty() {
            continue;
        }
        for (name, _, _, aliases) in builtins(entity) {
            if normalise(name) == *key || aliases.contains(&key.as_str()) {
                return Some((*name).to_owned());
            }
        }
        for d in custom {
            if normalise(&d.key) == *key || normalise(&d.label) == *key {
                return Some(format!("custom_fields.{}", d.key));
            }
        }
    }
    None
}

/// The automatic mapping: each header to its guess, each field used once
/// (the first header that claims it wins).
pub fn auto_map(entity: Entity, headers: &[String], custom: &[CustomDef]) -> Vec<(String, Option<String>)> {
    let mut used: Vec<String> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let field = guess(entity, h, custom).filter(|f| !used.contains(f));
            if let Some(f) = &field {
                used.push(f.clone());
            }
            (h.clone(), field)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_crm_export_headers_are_recognised() {
        let custom = vec![CustomDef {
            key: "plan".into(),
            label: "Plan tier".into(),
            field_type: "text".into(),
            options: vec![],
        }];
        let cases = [
            (Entity::Contacts, "First Name", Some("first_name"), "HubSpot"),
            (Entity::Contacts, "Email Address", Some("email"), "Mailchimp/Salesforce"),
            (Entity::Contacts, "E-mail", Some("email"), "punctuation"),
            (Entity::Contacts, "Organization - Name", Some("company"), "Pipedrive person export"),
            (Entity::Contacts, "Person - Name", Some("full_name"), "Pipedrive"),
            (Entity::Contacts, "Account Name", Some("company"), "Salesforce"),
            (Entity::Contacts, "Contact owner", Some("owner"), "HubSpot"),
            (Entity::Contacts, "Mobile Phone Number", Some("phone"), "HubSpot"),
            (Entity::Contacts, "Plan Tier", Some("custom_fields.plan"), "custom field by label"),
            (Entity::Contacts, "Favourite colour", None, "unknown"),
            (Entity::Deals, "Deal - Value", Some("amount"), "Pipedrive"),
            (Entity::Deals, "Deal - Title", Some("title"), "Pipedrive"),
            (Entity::Deals, "Opportunity Name", Some("title"), "Salesforce"),
            (Entity::Deals, "Close Date", Some("expected_close_date"), "Salesforce/HubSpot"),
            (Entity::Deals, "Person - Email", Some("contact_email"), "Pipedrive deal export"),
            (Entity::Deals, "Deal Stage", Some("stage"), "HubSpot"),
            (Entity::Companies, "Company Domain Name", Some("domain"), "HubSpot"),
            (Entity::Companies, "Organization - Name", Some("name"), "Pipedrive"),
            (Entity::Companies, "Number of Employees", Some("size"), "HubSpot"),
            (Entity::Leads, "Lead Source", Some("source"), "Salesforce"),
            (Entity::Leads, "Company", Some("company_name"), "Salesforce"),
        ];
        for (entity, header, want, what) in cases {
            assert_eq!(guess(entity, header, &custom).as_deref(), want, "{what}: {header}");
        }
    }

    #[test]
    fn a_field_is_mapped_once() {
        let headers = vec!["Email".to_owned(), "Email Address".to_owned(), "Name".to_owned()];
        let got = auto_map(Entity::Contacts, &headers, &[]);
        assert_eq!(got[0].1.as_deref(), Some("email"));
        assert_eq!(got[1].1, None, "the second email column is left for the person to map");
        assert_eq!(got[2].1.as_deref(), Some("full_name"));
    }
}

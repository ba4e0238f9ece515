//! `search`: full-text search over a workspace of a million contacts,
//! through `GET /api/v1/search`, against an `ILIKE` baseline on the same
//! rows.
//!
//! Method.
//! - **Seed** (once per database): an owner signs up through the API as
//!   `search-bench@loadgen.invalid`; `contacts` contacts and
//!   `contacts / 50` companies are inserted into that workspace with one
//!   `generate_series` statement each (names from lists of common first and
//!   last names, emails at the company's domain or at a mail provider, job
//!   titles and phone numbers), then `VACUUM ANALYZE`. A later run finds
//!   the owner (login) and the rows, and skips the seed.
//! - **Query mix** ([`QUERIES`]): whole names, a first name and the start
//!   of a last name as typed, prefixes of three and more letters, one and
//!   two letters (matched as whole words, migration V12), email fragments,
//!   company names, job titles and phone digits.
//! - **Server-side**: `iterations` requests, one at a time, cycling through
//!   the mix, each searching every record type (the endpoint's default) as
//!   the owner; Pulse reports the time it spent in `Server-Timing`
//!   (`search;dur=`). The HTTP round trip is reported too. One pass over the
//!   mix runs first as a warm-up.
//! - **Baselines**, in the same run, straight from PostgreSQL (query round
//!   trip on loopback), `baseline_rounds` passes over the mix:
//!   - `ilike`: the same words as `ILIKE '%word%'` over name, email, job
//!     title and phone, without an index, first 20 by name;
//!   - `ranked_all`: the search query before V12 (every match ranked, the
//!     last word always a prefix).

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

type Outcome = Result<(serde_json::Value, String), String>;

fn err(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

const EMAIL: &str = "search-bench@loadgen.invalid";
const PASSWORD: &str = "loadgen password 0123";

/// The query mix: what people type into a CRM's search box.
pub const QUERIES: &[&str] = &[
    // Whole names and names being typed.
    "james",
    "jennifer garcia",
    "maria lopez",
    "priya",
    "john smi",
    "mary joh",
    "kevin wal",
    "olga ivan",
    "smith",
    "nguyen",
    "garcia",
    // Prefixes as they are typed.
    "jam",
    "pat",
    "chr",
    "mich",
    "eliza",
    "wil",
    "and",
    // One and two letters (whole words since V12).
    "j",
    "ma",
    "li",
    // Email fragments.
    "gmail",
    "outlook.com",
    "james.smith",
    "proton",
    "anna.mart",
    // Company names and domains.
    "acme",
    "initech",
    "globex logistics",
    "pied piper",
    "northwind",
    "hooli",
    // Job titles and phone digits.
    "ceo",
    "vp sales",
    "account exec",
    "555",
];

/// Latency percentiles in milliseconds, with the p95 the target names.
#[derive(Serialize, Default, Clone)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// Nearest-rank percentiles.
pub fn latency(mut v: Vec<Duration>) -> Latency {
    if v.is_empty() {
        return Latency::default();
    }
    v.sort_unstable();
    let at = |p: f64| {
        let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1].as_secs_f64() * 1e3
    };
    let mean = v.iter().sum::<Duration>().as_secs_f64() * 1e3 / v.len() as f64;
    Latency { count: v.len(), p50_ms: at(50.0), p95_ms: at(95.0), p99_ms: at(99.0), max_ms: at(100.0), mean_ms: mean }
}

struct Owner {
    http: reqwest::Client,
    base: String,
    workspace: Uuid,
    user: Uuid,
}

/// Signs the benchmark's owner up, or in when an earlier run created it.
async fn owner(base: &str) -> Result<Owner, String> {
    let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(120)).build().map_err(err)?;
    let signup =
        json!({"email": EMAIL, "password": PASSWORD, "name": "Search Bench", "workspace_name": "Search bench"});
    let res = http.post(format!("{base}/api/v1/auth/signup")).header("origin", base).json(&signup).send().await;
    let res = res.map_err(err)?;
    let body: serde_json::Value = if res.status().is_success() {
        res.json().await.map_err(err)?
    } else {
        let login = json!({"email": EMAIL, "password": PASSWORD});
        let res = http.post(format!("{base}/api/v1/auth/login")).header("origin", base).json(&login).send().await;
        let res = res.map_err(err)?;
        if !res.status().is_success() {
            return Err(format!("neither signup nor login worked: HTTP {}", res.status()));
        }
        res.json().await.map_err(err)?
    };
    let user: Uuid = body["user"]["id"].as_str().ok_or("no user id")?.parse().map_err(err)?;
    let ws: serde_json::Value =
        http.get(format!("{base}/api/v1/workspace")).send().await.map_err(err)?.json().await.map_err(err)?;
    let workspace: Uuid = ws["id"].as_str().ok_or("no workspace id")?.parse().map_err(err)?;
    Ok(Owner { http, base: base.to_owned(), workspace, user })
}

pub async fn run(base: &str, n: i64, iterations: usize, baseline_rounds: usize, database_url: &str) -> Outcome {
    let owner = owner(base).await?;
    let (client, conn) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await.map_err(err)?;
    tokio::spawn(conn);
    let have: i64 = client
        .query_one("SELECT count(*) FROM contacts WHERE workspace_id = $1", &[&owner.workspace])
        .await
        .map_err(err)?
        .get(0);
    let mut seed_seconds = None;
    if have < n {
        let t = Instant::now();
        seed(&client, owner.workspace, owner.user, n - have, have).await?;
        seed_seconds = Some(t.elapsed().as_secs_f64());
    }
    let contacts: i64 = client
        .query_one("SELECT count(*) FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL", &[&owner.workspace])
        .await
        .map_err(err)?
        .get(0);

    // Warm-up: one pass over the mix.
    for q in QUERIES {
        search(&owner, q).await?;
    }
    let mut server = Vec::with_capacity(iterations);
    let mut http = Vec::with_capacity(iterations);
    let mut per_query: Vec<(&str, Vec<Duration>, usize)> = QUERIES.iter().map(|q| (*q, Vec::new(), 0)).collect();
    for i in 0..iterations {
        let k = i % QUERIES.len();
        let t = Instant::now();
        let (dur, hits) = search(&owner, QUERIES[k]).await?;
        http.push(t.elapsed());
        server.push(dur);
        per_query[k].1.push(dur);
        per_query[k].2 = hits;
    }

    let mut ilike = Vec::new();
    let mut ranked_all = Vec::new();
    for _ in 0..baseline_rounds {
        for q in QUERIES {
            let t = Instant::now();
            client.query(ILIKE, &[&owner.workspace, &words(q)]).await.map_err(err)?;
            ilike.push(t.elapsed());
            let (head, prefix) = old_terms(q);
            let t = Instant::now();
            client.query(RANKED_ALL, &[&owner.workspace, &head, &prefix]).await.map_err(err)?;
            ranked_all.push(t.elapsed());
        }
    }

    let (server_p, http_p, ilike_p, ranked_p) = (latency(server), latency(http), latency(ilike), latency(ranked_all));
    let mut slowest: Vec<(&str, f64, usize)> =
        per_query.iter().map(|(q, v, hits)| (*q, latency(v.clone()).p50_ms, *hits)).collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    slowest.truncate(5);
    let json = json!({
        "bench": "search",
        "contacts": contacts,
        "queries": QUERIES.len(),
        "seed_seconds": seed_seconds,
        "server": server_p,
        "http": http_p,
        "ilike": ilike_p,
        "ranked_all": ranked_p,
        "slowest_p50": slowest.iter().map(|(q, ms, hits)| json!({"q": q, "p50_ms": ms, "hits": hits})).collect::<Vec<_>>(),
    });
    let summary = format!(
        "search over {contacts} contacts ({} queries in the mix{}): server-side p50 {:.2} ms p95 {:.2} ms p99 {:.2} ms \
         (HTTP p95 {:.2} ms); baseline ILIKE p50 {:.1} ms p95 {:.1} ms; every match ranked (before V12) p50 {:.1} ms \
         p95 {:.1} ms; slowest: {}",
        QUERIES.len(),
        seed_seconds.map(|s| format!(", seeded in {s:.0} s")).unwrap_or_default(),
        server_p.p50_ms,
        server_p.p95_ms,
        server_p.p99_ms,
        http_p.p95_ms,
        ilike_p.p50_ms,
        ilike_p.p95_ms,
        ranked_p.p50_ms,
        ranked_p.p95_ms,
        slowest.iter().map(|(q, ms, _)| format!("{q:?} {ms:.1} ms")).collect::<Vec<_>>().join(", "),
    );
    Ok((json, summary))
}

/// One search as the owner: the server's time and the number of results.
async fn search(owner: &Owner, q: &str) -> Result<(Duration, usize), String> {
    let res = owner.http.get(format!("{}/api/v1/search", owner.base)).query(&[("q", q)]).send().await.map_err(err)?;
    if !res.status().is_success() {
        return Err(format!("search {q:?}: HTTP {}", res.status()));
    }
    let timing = res.headers().get("server-timing").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body: serde_json::Value = res.json().await.map_err(err)?;
    let ms = timing
        .as_deref()
        .and_then(|t| t.split("dur=").nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .ok_or("no Server-Timing on the search answer")?;
    Ok((Duration::from_secs_f64(ms / 1e3), body["results"].as_array().map_or(0, Vec::len)))
}

/// The words of a query for the ILIKE baseline, as `%word%` patterns.
fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("%{w}%")).collect()
}

/// The split of the search text before V12 (`crm::search_terms`): the
/// last word a prefix whatever its length.
fn old_terms(q: &str) -> (String, String) {
    let cleaned: String = q.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    let prefix = words.pop().unwrap_or("").to_lowercase();
    (words.join(" "), prefix)
}

/// The baseline: a substring match of every word without an index.
const ILIKE: &str = "SELECT c.id, c.first_name, c.last_name, c.email, co.name
    FROM contacts c
    LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL
    WHERE c.workspace_id = $1 AND c.deleted_at IS NULL
      AND (c.first_name || ' ' || c.last_name || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.job_title, '')
           || ' ' || coalesce(c.phone, '')) ILIKE ALL ($2::text[])
    ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT 20";

/// The contact query of `/api/v1/search` before V12: every match ranked.
const RANKED_ALL: &str = "SELECT c.id,
        coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, ''),
        nullif(concat_ws(' · ', c.email, co.name), ''),
        ts_rank(c.search, q)
    FROM contacts c
    CROSS JOIN (SELECT CASE
        WHEN $3 = '' THEN websearch_to_tsquery('simple', $2)
        WHEN btrim($2) = '' THEN to_tsquery('simple', '''' || $3 || ''':*')
        ELSE websearch_to_tsquery('simple', $2) && to_tsquery('simple', '''' || $3 || ''':*')
    END AS q) q
    LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL
    WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.search @@ q
    ORDER BY 4 DESC, c.id LIMIT 20";

/// Inserts `n` contacts (numbered from `from`) and their companies.
async fn seed(c: &tokio_postgres::Client, ws: Uuid, owner: Uuid, n: i64, from: i64) -> Result<(), String> {
    let companies = (n / 50).max(1);
    c.execute(SEED_COMPANIES, &[&ws, &owner, &from, &companies]).await.map_err(err)?;
    c.execute(SEED_CONTACTS, &[&ws, &owner, &from, &n]).await.map_err(err)?;
    // One statement each: VACUUM cannot run inside a multi-statement batch.
    c.batch_execute("VACUUM ANALYZE contacts").await.map_err(err)?;
    c.batch_execute("VACUUM ANALYZE companies").await.map_err(err)?;
    Ok(())
}

const SEED_COMPANIES: &str = "INSERT INTO companies (id, workspace_id, name, domain, industry, owner_id)
    SELECT gen_random_uuid(), $1,
           a[1 + g % array_length(a, 1)] || ' ' || n[1 + (g / array_length(a, 1)) % array_length(n, 1)] || ' ' || g,
           lower(replace(a[1 + g % array_length(a, 1)], ' ', '')) || lower(n[1 + (g / array_length(a, 1)) % array_length(n, 1)])
               || g || '.com',
           i[1 + g % array_length(i, 1)], $2
    FROM generate_series($3::bigint + 1, $3::bigint + $4::bigint) g,
         (SELECT array['Acme','Globex','Initech','Umbrella','Stark','Wayne','Wonka','Hooli','Vandelay','Soylent',
                       'Cyberdyne','Tyrell','Gringotts','Oscorp','Aperture','Black Mesa','Massive','Nakatomi','Dunder',
                       'Pied Piper','Prestige','Sterling','Bluth','Monarch','Virtucon','Zorg','Kramerica','Gekko',
                       'Buy n Large','Wolfram','Nordic','Alpine','Coastal','Summit','Pioneer','Evergreen','Redwood',
                       'Silverline','Northwind','Contoso','Fabrikam','Tailspin','Litware','Proseware','Adatum',
                       'Lucerne','Margie','Woodgrove','Fourth Coffee','Humongous'] AS a,
                 array['Logistics','Software','Foods','Labs','Industries','Consulting','Energy','Health','Media',
                       'Robotics','Capital','Motors','Retail','Systems','Analytics','Design','Travel','Pharma',
                       'Security','Networks'] AS n,
                 array['software','retail','manufacturing','finance','healthcare','logistics','media','energy'] AS i) l";

const SEED_CONTACTS: &str = "INSERT INTO contacts (id, workspace_id, first_name, last_name, email, phone, company_id,
        job_title, lead_source, owner_id)
    SELECT gen_random_uuid(), $1, s.f, s.l,
           CASE WHEN s.g % 10 < 3 THEN lower(s.f) || '.' || lower(s.l) || s.g || '@' || m[1 + s.g % array_length(m, 1)]
                ELSE lower(s.f) || '.' || lower(s.l) || '@' || co.domain END,
           '+1 555 ' || lpad((s.g % 10000000)::text, 7, '0'),
           co.id, j[1 + s.g % array_length(j, 1)], 'import', $2
    FROM (SELECT g,
                 fa[1 + (g * 7919) % array_length(fa, 1)] AS f,
                 la[1 + (g * 104729) % array_length(la, 1)] AS l,
                 (g * 31) % (SELECT greatest(count(*), 1) FROM companies WHERE workspace_id = $1) AS cn
          FROM generate_series($3::bigint + 1, $3::bigint + $4::bigint) g,
               (SELECT array['James','Mary','John','Patricia','Robert','Jennifer','Michael','Linda','William',
                     'Elizabeth','David','Barbara','Richard','Susan','Joseph','Jessica','Thomas','Sarah','Charles',
                     'Karen','Christopher','Nancy','Daniel','Lisa','Matthew','Betty','Anthony','Margaret','Mark',
                     'Sandra','Donald','Ashley','Steven','Kimberly','Paul','Emily','Andrew','Donna','Joshua',
                     'Michelle','Kenneth','Dorothy','Kevin','Carol','Brian','Amanda','George','Melissa','Edward',
                     'Deborah','Ronald','Stephanie','Timothy','Rebecca','Jason','Sharon','Jeffrey','Laura','Ryan',
                     'Cynthia','Jacob','Kathleen','Gary','Amy','Nicholas','Shirley','Eric','Angela','Jonathan','Helen',
                     'Stephen','Anna','Larry','Brenda','Justin','Pamela','Scott','Nicole','Brandon','Emma','Benjamin',
                     'Samantha','Samuel','Katherine','Gregory','Christine','Frank','Debra','Alexander','Rachel',
                     'Raymond','Catherine','Patrick','Carolyn','Jack','Janet','Dennis','Ruth','Jerry','Maria','Tyler',
                     'Heather','Aaron','Diane','Jose','Virginia','Adam','Julie','Henry','Joyce','Nathan','Victoria',
                     'Douglas','Olivia','Zachary','Kelly','Peter','Christina','Kyle','Lauren','Walter','Joan','Ethan',
                     'Evelyn','Jeremy','Judith','Harold','Megan','Keith','Cheryl','Christian','Andrea','Roger',
                     'Hannah','Noah','Martha','Gerald','Jacqueline','Carl','Frances','Terry','Gloria','Sean','Ann',
                     'Austin','Teresa','Arthur','Kathryn','Lawrence','Sara','Jesse','Janice','Dylan','Jean','Bryan',
                     'Alice','Joe','Madison','Jordan','Doris','Billy','Abigail','Bruce','Julia','Albert','Judy',
                     'Willie','Grace','Gabriel','Denise','Logan','Amber','Alan','Marilyn','Juan','Beverly','Wayne',
                     'Danielle','Roy','Theresa','Ralph','Sophia','Randy','Marie','Eugene','Diana','Vincent',
                     'Brittany','Russell','Natalie','Elijah','Isabella','Louis','Charlotte','Bobby','Rose','Philip',
                     'Alexis','Johnny','Kayla','Lukas','Ingrid','Sven','Aiko','Hiroshi','Chen','Wei','Priya','Arjun',
                     'Fatima','Omar','Yusuf','Amara','Kwame','Sofia','Mateo','Lucia','Diego','Elena','Nikolai','Olga',
                     'Pierre','Camille','Giulia','Marco','Lars','Astrid','Jan','Eva','Piotr','Zofia','Ahmed','Leila',
                     'Tariq','Mei','Jun','Sora','Yuki','Li','Wu'] AS fa,
                     array['Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez',
                     'Martinez','Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson',
                     'Martin','Lee','Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson',
                     'Walker','Young','Allen','King','Wright','Scott','Torres','Nguyen','Hill','Flores','Green','Adams',
                     'Nelson','Baker','Hall','Rivera','Campbell','Mitchell','Carter','Roberts','Gomez','Phillips',
                     'Evans','Turner','Diaz','Parker','Cruz','Edwards','Collins','Reyes','Stewart','Morris','Morales',
                     'Murphy','Cook','Rogers','Gutierrez','Ortiz','Morgan','Cooper','Peterson','Bailey','Reed','Kelly',
                     'Howard','Ramos','Kim','Cox','Ward','Richardson','Watson','Brooks','Chavez','Wood','James',
                     'Bennett','Gray','Mendoza','Ruiz','Hughes','Price','Alvarez','Castillo','Sanders','Patel','Myers',
                     'Long','Ross','Foster','Jimenez','Powell','Jenkins','Perry','Russell','Sullivan','Bell','Coleman',
                     'Butler','Henderson','Barnes','Gonzales','Fisher','Vasquez','Simmons','Romero','Jordan',
                     'Patterson','Alexander','Hamilton','Graham','Reynolds','Griffin','Wallace','Moreno','West','Cole',
                     'Hayes','Bryant','Herrera','Gibson','Ellis','Tran','Medina','Aguilar','Stevens','Murray','Ford',
                     'Castro','Marshall','Owens','Harrison','Fernandez','McDonald','Woods','Washington','Kennedy',
                     'Wells','Vargas','Henry','Chen','Freeman','Webb','Tucker','Guzman','Burns','Crawford','Olson',
                     'Simpson','Porter','Hunter','Gordon','Mendez','Silva','Shaw','Snyder','Mason','Dixon','Munoz',
                     'Hunt','Hicks','Holmes','Palmer','Wagner','Black','Robertson','Boyd','Rose','Stone','Salazar',
                     'Fox','Warren','Mills','Meyer','Rice','Schmidt','Garza','Daniels','Ferguson','Nichols','Stephens',
                     'Soto','Weaver','Ryan','Gardner','Payne','Grant','Dunn','Kelley','Spencer','Hawkins','Arnold',
                     'Pierce','Vazquez','Hansen','Peters','Santos','Hart','Bradley','Knight','Elliott','Cunningham',
                     'Duncan','Armstrong','Hudson','Carroll','Lane','Riley','Andrews','Alvarado','Ray','Delgado',
                     'Berry','Perkins','Hoffman','Johnston','Matthews','Pena','Richards','Contreras','Willis',
                     'Carpenter','Lawrence','Sandoval','Guerrero','George','Chapman','Rios','Estrada','Ortega',
                     'Watkins','Greene','Nunez','Wheeler','Valdez','Harper','Burke','Larson','Santiago','Maldonado',
                     'Morrison','Franklin','Carlson','Austin','Dominguez','Carr','Lawson','Jacobs','OBrien','Lynch',
                     'Singh','Vega','Bishop','Montgomery','Oliver','Jensen','Harvey','Williamson','Gilbert','Dean',
                     'Sims','Espinoza','Howell','Li','Wong','Reid','Hanson','Le','McCoy','Garrett','Burton','Fuller',
                     'Wang','Weber','Welch','Rojas','Lucas','Marquez','Fields','Park','Yang','Little','Banks',
                     'Padilla','Day','Walsh','Bowman','Schultz','Luna','Fowler','Mejia','Davidson','Acosta','Brewer',
                     'May','Holland','Juarez','Newman','Pearson','Curtis','Cortez','Douglas','Schneider','Joseph',
                     'Barrett','Navarro','Figueroa','Keller','Avila','Wade','Molina','Stanley','Hopkins','Campos',
                     'Barnett','Bates','Chambers','Caldwell','Beck','Lambert','Miranda','Byrd','Craig','Ayala','Lowe',
                     'Frazier','Powers','Neal','Leonard','Gregory','Carrillo','Sutton','Fleming','Rhodes','Shelton',
                     'Schwartz','Norris','Jennings','Watts','Duran','Walters','Cohen','McDaniel','Moran','Parks',
                     'Steele','Vaughn','Becker','Holt','Deleon','Barker','Terry','Hale','Leon','Benson','Haynes',
                     'Horton','Miles','Lyons','Pham','Graves','Bush','Thornton','Wolfe','Warner','Cabrera','McKinney',
                     'Mann','Zimmerman','Dawson','Lara','Fletcher','Page','McCarthy','Love','Robles','Cervantes',
                     'Solis','Erickson','Reeves','Chang','Klein','Salinas','Fuentes','Baldwin','Daniel','Simon',
                     'Velasquez','Hardy','Higgins','Aguirre','Lin','Cummings','Chandler','Sharp','Barber','Bowen',
                     'Ochoa','Dennis','Robbins','Liu','Ramsey','Francis','Griffith','Paul','Blair','OConnor',
                     'Cardenas','Pacheco','Cross','Calderon','Quinn','Moss','Swanson','Chan','Rivas','Khan','Rodgers',
                     'Serrano','Fitzgerald','Rosales','Stevenson','Christensen','Manning','Gill','Curry','McLaughlin',
                     'Harmon','McGee','Gross','Doyle','Garner','Newton','Burgess','Reese','Walton','Blake','Trujillo',
                     'Adkins','Brady','Goodman','Roman','Webster','Goodwin','Fischer','Huang','Potter','Delacruz',
                     'Montoya','Todd','Wu','Hines','Mullins','Castaneda','Malone','Cannon','Tate','Mack','Sherman',
                     'Hubbard','Hodges','Zhang','Guerra','Wolf','Valencia','Saunders','Franco','Rowe','Gallagher',
                     'Farmer','Hammond','Hampton','Townsend','Ingram','Wise','Gallegos','Clarke','Barton','Schroeder',
                     'Maxwell','Waters','Logan','Camacho','Strickland','Norman','Person','Colon','Parsons','Frank',
                     'Harrington','Glover','Osborne','Buchanan','Casey','Floyd','Patton','Ibarra','Ball','Tyler',
                     'Suarez','Bowers','Orozco','Salas','Cobb','Gibbs','Andrade','Bauer','Conner','Moody','Escobar',
                     'McGuire','Lloyd','Mueller','Hartman','French','Kramer','McBride','Pope','Lindsey','Velazquez',
                     'Norton','McCormick','Sparks','Flynn','Yates','Hogan','Marsh','Macias','Villanueva','Zamora',
                     'Pratt','Stokes','Owen','Ballard','Lang','Brock','Villarreal','Charles','Drake','Barrera','Cain',
                     'Patrick','Pineda','Burnett','Mercado','Santana','Shepherd','Bautista','Ali','Shaffer','Lamb',
                     'Trevino','McKenzie','Hess','Olsen','Cochran','Morton','Nash','Wilkins','Petersen','Briggs',
                     'Shah','Roth','Nicholson','Holloway','Lozano','Rangel','Flowers','Hoover','Short','Arias','Mora',
                     'Valenzuela','Bryan','Meyers','Weiss','Underwood','Bass','Greer','Summers','Houston','Carson',
                     'Morrow','Clayton','Whitaker','Decker','Yoder','Collier','Zuniga','Carey','Wilcox','Melendez',
                     'Poole','Roberson','Larsen','Conley','Davenport','Copeland','Massey','Lam','Huff','Rocha',
                     'Cameron','Jefferson','Hood','Monroe','Anthony','Pittman','Huynh','Randall','Singleton','Kirk',
                     'Combs','Mathis','Christian','Skinner','Bradford','Richard','Galvan','Wall','Boone','Kirby',
                     'Wilkinson','Bridges','Bruce','Atkinson','Velez','Meza','Roy','Vincent','York','Hodge','Villa',
                     'Abbott','Allison','Tapia','Gates','Chase','Sosa','Sweeney','Farrell','Wyatt','Dalton','Horn',
                     'Barron','Phelps','Yu','Dickerson','Heath','Foley','Atkins','Mathews','Bonilla','Acevedo',
                     'Benitez','Zavala','Hensley','Glenn','Cisneros','Harrell','Shields','Rubio','Huffman','Choi',
                     'Boyer','Garrison','Arroyo','Bond','Kane','Hancock','Callahan','Dillon','Cline','Wiggins',
                     'Grimes','Arellano','Melton','ONeill','Savage','Ho','Beltran','Pitts','Parrish','Ponce','Rich',
                     'Booth','Koch','Golden','Ware','Brennan','McDowell','Marks','Cantu','Humphrey','Baxter','Sawyer',
                     'Clay','Tanner','Hutchinson','Kaur','Berg','Wiley','Gilmore','Russo','Villegas','Hobbs','Keith',
                     'Wilkerson','Ahmed','Beard','McClain','Montes','Mata','Rosario','Vang','Walter','Henson','ONeal',
                     'Mosley','McClure','Beasley','Stephenson','Snow','Huerta','Preston','Vance','Barry','Johns',
                     'Eaton','Blackwell','Dyer','Prince','Macdonald','Solomon','Guevara','Stafford','English','Hurst',
                     'Woodard','Cortes','Shannon','Kemp','Nolan','McCullough','Merritt','Murillo','Moon','Salgado',
                     'Strong','Kline','Cordova','Barajas','Roach','Rosas','Winters','Jacobson','Lester','Knox',
                     'Bullock','Kerr','Leach','Meadows','Orr','Davila','Whitehead','Pruitt','Kent','Conway','McKee',
                     'Barr','David','Dejesus','Marin','Berger','McIntyre','Blankenship','Gaines','Palacios','Cuevas',
                     'Bartlett','Durham','Dorsey','McCall','ODonnell','Stein','Browning','Stout','Lowery','Sloan',
                     'McLean','Hendricks','Calhoun','Sexton','Chung','Gentry','Hull','Duarte','Ellison','Nielsen',
                     'Gillespie','Buck','Middleton','Sellers','Leblanc','Esparza','Hardin','Bradshaw','McIntosh',
                     'Howe','Livingston','Frost','Glass','Morse','Knapp','Herman','Stark','Bravo','Noble','Spears',
                     'Weeks','Corona','Frederick','Buckley','McFarland','Hebert','Enriquez','Hickman','Quintero',
                     'Randolph','Schaefer','Walls','Trejo','House','Reilly','Pennington','Michael','Conrad','Giles',
                     'Benjamin','Crosby','Fitzpatrick','Donovan','Mays','Mahoney','Valentine','Raymond','Medrano',
                     'Hahn','McMillan','Small','Bentley','Felix','Peck','Lucero','Boyle','Hanna','Pace','Rush',
                     'Hurley','Harding','McConnell','Bernal','Nava','Ayers','Everett','Ventura','Avery','Pugh',
                     'Mayer','Bender','Shepard','McMahon','Landry','Case','Sampson','Moses','Magana','Blackburn',
                     'Dunlap','Gould','Duffy','Vaughan','Herring','McKay','Espinosa','Rivers','Farley','Bernard',
                     'Ashley','Friedman','Potts','Truong','Costa','Correa','Blevins','Nixon','Clements','Fry',
                     'Delarosa','Best','Benton','Lugo','Portillo','Dougherty','Crane','Haley','Phan','Villalobos',
                     'Blanchard','Horne','Finley','Quintana','Lynn','Esquivel','Bean','Dodson','Mullen','Xiong',
                     'Hayden','Cano','Levy','Huber','Richmond','Moyer','Lim','Frye','Sheppard','McCarty','Avalos',
                     'Booker','Waller','Parra','Woodward','Jaramillo','Krueger','Rasmussen','Brandt','Peralta',
                     'Donaldson','Stuart','Faulkner','Maynard','Galindo','Coffey','Estes','Sanford','Burch','Maddox',
                     'Vo','OConnell','Vu','Andersen','Spence','McPherson','Church','Schmitt','Stanton','Leal','Cherry',
                     'Compton','Dudley','Sierra','Pollard','Alfaro','Hester','Proctor','Lu','Hinton','Novak','Good',
                     'Madden','McCann','Terrell','Jarvis','Dickson','Reyna','Cantrell','Mayo','Branch','Hendrix',
                     'Rollins','Rowland','Whitney','Duke','Odom','Daugherty','Travis','Tang','Archer','Ivanova',
                     'Ivanov','Kowalski','Nowak','Muller','Rossi','Dubois','Yamamoto','Tanaka','Sato'] AS la) lists) s
    JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS cn, id, domain
          FROM companies WHERE workspace_id = $1) co ON co.cn = s.cn,
         (SELECT array['gmail.com','outlook.com','yahoo.com','proton.me','icloud.com'] AS m,
                 array['CEO','CTO','VP Sales','Sales Manager','Account Executive','Engineer','Designer',
                       'Marketing Lead','Product Manager','Office Manager','CFO','Head of Operations','Consultant',
                       'Analyst','Founder'] AS j) lists2";

//! The start-up contents: public templates and CD-ROMs, two servers per account, and a few
//! sample private storages so that a demo looks alive.

use crate::state::Config;
use crate::store::{
    new_uuid, now_rfc3339, now_unix, BackupRule, Device, Label, Server, Storage, StorageType,
    Store,
};

/// Zones the mock accepts. A well-formed zone outside this list gets ZONE_NOT_FOUND.
pub const ZONES: &[&str] = &[
    "au-syd1", "de-fra1", "dk-cph1", "es-mad1", "fi-hel1", "fi-hel2", "nl-ams1", "no-svg1",
    "pl-waw1", "se-sto1", "sg-sin1", "uk-lon1", "us-chi1", "us-nyc1", "us-sjo1",
];

/// Zone of the sample servers, so storages created there can be attached.
pub const SERVER_ZONE: &str = "fi-hel1";

pub fn initial_store(config: &Config) -> Store {
    let mut store = Store::default();
    for (index, (account, _)) in config.accounts.iter().enumerate() {
        add_servers(&mut store, index, account);
    }
    if config.empty {
        return store;
    }

    add_public(&mut store);
    for (account, _) in &config.accounts {
        add_samples(&mut store, account);
    }
    if let Some((first, _)) = config.accounts.first() {
        for index in 0..config.seed_storages {
            let zone = if index % 2 == 0 { "fi-hel1" } else { "de-fra1" };
            let storage = private(first, &format!("bulk storage {index}"), 10, "maxiops", zone);
            store.storages.insert(storage.uuid.clone(), storage);
        }
    }
    store
}

/// Sample servers have fixed UUIDs per account position so docs and demos can name them:
/// `00000001-0000-4000-8000-000000000001` is the first account's started server.
pub fn server_uuid(account_index: usize, number: u32) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", account_index + 1, number)
}

fn add_servers(store: &mut Store, account_index: usize, account: &str) {
    let samples = [(1, "web-01", "started"), (2, "build-01", "stopped")];
    for (number, name, state) in samples {
        let server = Server {
            uuid: server_uuid(account_index, number),
            owner: account.to_owned(),
            title: name.to_owned(),
            hostname: format!("{name}.example.com"),
            zone: SERVER_ZONE.to_owned(),
            state: state.to_owned(),
            created: now_unix(),
            devices: Vec::new(),
        };
        store.servers.insert(server.uuid.clone(), server);
    }
}

fn public(uuid: &str, kind: StorageType, title: &str, size: u64, license: f64) -> Storage {
    Storage {
        uuid: uuid.to_owned(),
        owner: None,
        kind,
        title: title.to_owned(),
        size,
        tier: None,
        zone: None,
        state: "online".to_owned(),
        progress: None,
        created: None,
        encrypted: false,
        labels: Some(Vec::new()),
        backup_rule: None,
        backups: Vec::new(),
        origin: None,
        template_type: (kind == StorageType::Template).then(|| "cloud-init".to_owned()),
        license,
        job: None,
        copy_source: None,
        data_pristine: true,
    }
}

fn add_public(store: &mut Store) {
    let items = [
        ("01000000-0000-4000-8000-000020060101", StorageType::Cdrom,
         "Debian GNU/Linux 11.0.0 (Bullseye) Installation CD", 1, 0.0),
        ("01000000-0000-4000-8000-000020070100", StorageType::Cdrom,
         "Debian GNU/Linux 12 (Bookworm) Installation CD", 1, 0.0),
        ("01000000-0000-4000-8000-000030240200", StorageType::Cdrom,
         "Ubuntu Server 24.04 LTS (Noble Numbat) Installation CD", 3, 0.0),
        ("01000000-0000-4000-8000-000020070200", StorageType::Template, "Debian GNU/Linux 12 (Bookworm)", 4, 0.0),
        ("01000000-0000-4000-8000-000030240300", StorageType::Template, "Ubuntu Server 24.04 LTS (Noble Numbat)", 4, 0.0),
        ("01000000-0000-4000-8000-000010070200", StorageType::Template,
         "Windows Server 2019 Datacenter", 25, 3.36),
    ];
    for (uuid, kind, title, size, license) in items {
        let storage = public(uuid, kind, title, size, license);
        store.storages.insert(storage.uuid.clone(), storage);
    }
}

/// A private, online, normal storage with no rule and no labels.
pub fn private(owner: &str, title: &str, size: u64, tier: &str, zone: &str) -> Storage {
    Storage {
        uuid: new_uuid(0x01),
        owner: Some(owner.to_owned()),
        kind: StorageType::Normal,
        title: title.to_owned(),
        size,
        tier: Some(tier.to_owned()),
        zone: Some(zone.to_owned()),
        state: "online".to_owned(),
        progress: None,
        created: Some(now_rfc3339()),
        encrypted: false,
        labels: None,
        backup_rule: None,
        backups: Vec::new(),
        origin: None,
        template_type: None,
        license: 0.0,
        job: None,
        copy_source: None,
        data_pristine: true,
    }
}

fn add_samples(store: &mut Store, account: &str) {
    let mut system = private(account, "web-01 system disk", 25, "maxiops", SERVER_ZONE);
    system.backup_rule =
        Some(BackupRule { interval: "daily".to_owned(), time: "0430".to_owned(), retention: 7 });

    let mut backup = private(account, "web-01 nightly backup", 25, "maxiops", SERVER_ZONE);
    backup.kind = StorageType::Backup;
    backup.tier = None;
    backup.origin = Some(system.uuid.clone());
    system.backups.push(backup.uuid.clone());

    let mut data = private(account, "analytics data", 100, "hdd", "de-fra1");
    data.labels = Some(vec![
        Label { key: "env".to_owned(), value: "prod".to_owned() },
        Label { key: "role".to_owned(), value: "db".to_owned() },
    ]);

    let scratch = private(account, "scratch space", 10, "standard", SERVER_ZONE);

    let started = store
        .servers
        .values_mut()
        .find(|server| server.owner == account && server.state == "started");
    if let Some(server) = started {
        server.devices.push(Device {
            address: "virtio:0".to_owned(),
            kind: "disk".to_owned(),
            storage: Some(system.uuid.clone()),
            boot_disk: true,
        });
    }

    for storage in [system, backup, data, scratch] {
        store.storages.insert(storage.uuid.clone(), storage);
    }
}

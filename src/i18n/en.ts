/**
 * The interface's words in English. Every other language's table has exactly these keys
 * (`Strings`, in index.ts): a key missing there fails `npm run typecheck`. See
 * docs/interface-language.md.
 */
import { gib, mib, percentOf } from './format';

const mb = (bytes: number) => `${mib(bytes)} MB`;

export const en = {
  /** the language's code, for <html lang> and dates */
  code: 'en',

  /** the page shell (index.html) */
  page: {
    title: 'LabBox — a Linux machine with Docker in your browser',
    terminals: 'Terminals',
    clusterNodes: 'Cluster nodes',
    lab: 'Lab',
    inspector: 'Inspector',
    loadFailed: (reason: string) => `LabBox could not load its page (${reason}). Reload to try again.`,
  },

  /** the header's buttons, and their titles */
  header: {
    pause: 'Pause',
    resume: 'Resume',
    save: 'Save',
    saveTitle: 'Save the machine now (it also saves itself every few minutes)',
    saved: 'Saved',
    savedTitle: 'Saved machines: restore, name, export, import',
    reset: 'Reset',
    resetTitle: 'Start again from a fresh machine',
    offline: 'Offline',
    offlineTitle: 'Download everything LabBox needs to work without a network',
    inspect: 'Inspect',
    inspectTitle: "See the machine's namespaces, cgroups and network, live",
    lab: 'Lab',
    labTitle: 'Show or hide the lab',
    help: 'Help',
    helpTitle: 'Keyboard help (F1)',
  },

  /** sizes */
  size: {
    megabytes: mb,
    /** "Downloading…: 4.2 MB of 77 MB (5 %)" */
    doing: (what: string, loaded: number, total: number) => `${what}: ${mb(loaded)} of ${mb(total)} (${percentOf(loaded, total)} %)`,
    /** what the browser lets the site store */
    stored: (used: number, quota: number, persisted: boolean, lowRoom: number | null) =>
      `Stored: ${mb(used)} of ${mb(quota)} the browser allows${persisted ? ' (kept safe from eviction)' : ''}${lowRoom === null ? '' : ` — only ${mb(lowRoom)} left: delete or export snapshots before the next save`}`,
    unknownQuota: 'This browser does not say how much it can store.',
  },

  /** the status bar: the machine's state, saves, questions */
  status: {
    guestMemory: (used: number, total: number) => `guest memory ${mb(used)} / ${mb(total)}`,
    paused: 'Paused',
    ready: 'Ready',
    retry: 'Retry',
    restartFromSave: 'Restart from the last save',
    chooseAnother: 'Choose another snapshot',
    startFresh: 'Start a fresh machine',
    webkit: 'Safari and iOS browsers limit a page to about 256 MB, less than this machine needs (512 MB). Please use Firefox, Chrome or Edge on a computer.',
    restored: (name: string) => `Restored "${name}"`,
    labProgressNotRestored: (reason: string) => `Lab progress not restored: ${reason}`,
    separateMachine: 'A separate machine: it is not saved by itself. Save keeps it in "Saved" under its own name.',
    resumeToSave: 'Resume the machine to save it.',
    notSavedNotReplaced: 'The running machine could not be saved, so it keeps running: nothing is lost. Try again in a moment.',
    savingCheckpoint: (name: string) => `Saving a checkpoint: ${name}…`,
    savingMachine: 'Saving the machine…',
    checkpointSaved: (name: string) => `Checkpoint saved: ${name}`,
    saved: 'Saved',
    /** "Saved at 14:02 (21 MB)" */
    savedAt: (what: string, time: string, bytes: number) => `${what} at ${time} (${mb(bytes)})`,
    changesSavedAt: (time: string) => `Saved at ${time}`,
    noCheckpoint: (reason: string) => `No checkpoint for this step: ${reason}`,
    notSaved: (reason: string) => `Not saved: ${reason}`,
    stoppedAnswering:
      'The machine stopped answering. Restart it from your last save taken before (work since then is lost), Reset it, or wait: this goes away if it answers again.',
    answersAgain: 'The machine answers again.',
    notAnswering: 'the machine is not answering',
    listError: (reason: string) => `Your saved machines could not be read (${reason}); starting a fresh machine.`,
    otherVersion: (name: string) =>
      `Your last machine, "${name}", was made with another version of LabBox's machine image and cannot run here. It is kept in "Saved": export it to keep a copy.`,
    notRunningYet: 'The machine is not running yet.',
  },

  /** names the page gives the machines it saves */
  saveNames: {
    autosave: 'Autosave',
    separate: 'Separate machine',
    notAnswering: 'Autosave taken while the machine stopped answering',
  },

  /** questions asked with confirm() and prompt() */
  ask: {
    rewindUnsaved: 'Your current machine could not be saved (see the status bar). Go back anyway and lose what you did since your last save?',
    reset: 'Start again from a fresh machine? What you did since your last save is lost (saved machines stay in "Saved").',
    search: 'Search the terminal for:',
  },

  /** one machine, one tab */
  oneTab: {
    openElsewhere: 'Your machine is open in another tab of this browser.',
    movedAway: 'Your machine moved to another tab.',
    why: (message: string) => `${message} Two tabs running it would save over each other's work.`,
    moveHere: 'Move it here',
    openSeparate: 'Open a separate machine',
    handingOver: 'The other tab saves the machine and hands it over…',
    notSavedThere: 'it could not be saved: see the status bar there',
    refused: (reason: string) => `The other tab could not save its machine (${reason}); it keeps running there.`,
    noAnswer: 'The other tab did not hand the machine over (it may be frozen): close it, or open a separate machine here.',
  },

  /** the saved machines panel */
  saved: {
    title: 'Saved machines',
    name: 'Name',
    when: 'Saved',
    size: 'Size',
    saveAs: 'Save as…',
    import: 'Import a file…',
    fresh: 'Start a fresh machine',
    close: 'Close',
    unreadable: (reason: string) => `The saved machines could not be read: ${reason}`,
    empty: 'Nothing saved yet. The machine saves itself every few minutes while you work, and when you leave the page.',
    automatic: 'automatic',
    checkpoint: 'start of a lab step',
    kind: (name: string, kind: string) => `${name} (${kind})`,
    cluster: (title: string, nodes: number) => `${title} · cluster of ${nodes} nodes`,
    restore: 'Restore',
    rename: 'Rename',
    export: 'Export',
    delete: 'Delete',
    newName: 'New name for this snapshot:',
    confirmDelete: (name: string) => `Delete the snapshot "${name}"? This cannot be undone (export it first to keep a copy).`,
    askName: 'Name for this snapshot (for example "before lab 3"):',
    saving: 'Saving…',
    savedAs: (name: string) => `Saved "${name}".`,
    notSaved: 'The machine was not saved (see the status bar).',
    startFirst: 'Start the machine first: an import is checked against it.',
    importing: (file: string) => `Importing ${file}…`,
    imported: (name: string) => `Imported "${name}". Restore it from the list.`,
    notImported: (file: string, reason: string) => `${file} was not imported: ${reason}`,
  },

  /** the Offline button and the updates of the site */
  offline: {
    available: (bytes: number) => `LabBox is available offline in this browser (${mb(bytes)}).`,
    question: (missing: number, total: number) =>
      `Make LabBox work without a network? This downloads ${mb(missing)} (the whole machine is ${mb(total)}) and keeps it in this browser.`,
    downloading: 'Downloading for offline use',
    done: (bytes: number) => `LabBox is available offline in this browser (${mb(bytes)}). Your machine and labs work with the network cut.`,
    failed: (reason: string) => `Not available offline: ${reason}`,
    extrasQuestion: (missing: number) =>
      `Also keep the programs of the etcd lab and of Kubernetes, and the Kubernetes machine, for offline use (${mb(missing)} more)? Only those labs need them.`,
    extrasDownloading: 'Downloading the programs of the etcd lab and of Kubernetes',
    extrasDone: (bytes: number) => `LabBox is available offline in this browser, etcd and Kubernetes included (${mb(bytes)} for them).`,
    unavailableHere: 'This browser cannot keep LabBox for offline use at this address: offline use needs https, or the site opened as localhost.',
    listFailed: (why: string) => `The list of the machine's files could not be downloaded (${why}).`,
    networkError: 'network error',
    fileFailed: (path: string, why: string) => `${path} could not be downloaded (${why}). What was downloaded is kept: try again to finish.`,
    unreachable: 'the network or the server is unreachable',
    noRoom: (needed: number) =>
      `The browser has no room left for the offline copy (${Math.round(needed / 2 ** 20)} MB needed). Free some space (delete or export saved machines) and try again.`,
    newVersion: 'A new version of LabBox is ready.',
    newImage:
      'A new version of LabBox is ready, with a new machine image: machines saved with this one will not restore on it (they stay in "Saved", where you can export them). It starts the next time LabBox is opened.',
    switchNow: 'Switch now',
    saveAndSwitch: 'Save and switch now',
    later: 'Later',
    keepWorking: 'Keep working on my machine',
    noServiceWorker: (reason: string) => `Offline use is not available: the service worker did not start (${reason}).`,
  },

  /** the inspector */
  inspector: {
    title: 'Inspect',
    namespaces: 'Namespaces',
    cgroups: 'cgroups',
    network: 'Network',
    what: 'What am I looking at?',
    machine: 'the machine',
    processes: 'processes',
    processList: (count: number, commands: string) => `${count} processes: ${commands}`,
    noLimit: 'no limit',
    oom: 'OOM kills',
    waiting: 'Reading the machine…',
    notRunning: 'The machine is not running.',
    containers: 'Containers:',
    none: 'none',
    cpu: 'CPU',
    memory: 'memory',
    type: 'type',
    stopped: 'stopped',
    notes: {
      namespaces:
        "Each row is a namespace: the number is its inode, the one you see in `ls -l /proc/<pid>/ns` and `lsns`. Processes in the same namespace share that view of the system (PID: process numbers; mnt: mounts; net: interfaces and ports; uts: host name; ipc: shared memory and queues; user: user ids; cgroup: the cgroup root). A container is a process tree whose namespaces are not the machine's.",
      cgroups:
        'The cgroup v2 tree under /sys/fs/cgroup. Each group limits and counts its processes: memory.current against memory.max, pids.current against pids.max, CPU time (cpu.stat), and the OOM kills of memory.events. `docker run --memory` and `--pids-limit` write these files.',
      network:
        "Bridges (docker0, one br-… per user network) are virtual switches. Each container has one end of a veth pair (its eth0) in its own network namespace; the other end is plugged into a bridge on the machine. Published ports (-p) are NAT rules from the machine's port to the container's.",
    },
  },

  /** the preview of a server in the machine (/preview/<port>/), and the Ports list */
  preview: {
    title: 'LabBox preview',
    howTo: 'The preview shows a server running in the LabBox machine, over HTTP only, while a tab of this browser runs that machine.',
    badAddress: 'This address is not a preview: use /preview/<port>/, or /preview/<node>/<port>/ for a cluster node.',
    closed: (port: number, node?: string) =>
      `Nothing listens on port ${port} of ${node ?? 'the machine'}. Start a server there first (for instance docker run -d -p ${port}:80 nginx), then reload this page.`,
    needsServiceWorker:
      "This preview address reached the site's server, not LabBox's service worker. The preview needs the site on https or localhost, opened once until its prompt (the service worker installs then): open LabBox in another tab, wait for its prompt, then reload this page.",
    noMachine: 'No tab of this browser runs the LabBox machine now: open LabBox in another tab, wait for its prompt, then reload this page.',
    noNode: (node: string) => `${node} is not running: start the cluster's nodes in the LabBox tab, then reload this page.`,
    noAnswer: (port: number) =>
      `The server on port ${port} closed the connection without answering. A container that is still starting does that through Docker's proxy: reload this page in a moment.`,
    failed: (port: number, reason: string) => `The request to port ${port} did not finish: ${reason}`,
    notHttp: (port: number, reason: string) =>
      `The server on port ${port} did not answer in HTTP (${reason}). The preview carries HTTP only, not HTTPS or other protocols.`,
    tooBig: (max: number) => `This request's body is larger than the preview carries (${mb(max)}).`,
    ports: 'Ports',
    portsTitle: 'Servers listening in the machine: open one in a browser tab',
    listening: 'Listening ports',
    none: 'Nothing listens on a TCP port yet. Start a server, for instance: docker run -d -p 8080:80 nginx',
    refresh: 'Refresh',
    reading: 'Reading the machine…',
    note: 'Opens in a new tab, over HTTP, while this tab runs the machine. Cookies the server sets are not kept.',
    open: (port: number) => `Open port ${port} in a new tab`,
  },

  /** the editor pane (labbox-edit FILE) */
  editor: {
    pane: 'Editor',
    title: (file: string) => `Editing ${file}`,
    save: 'Save',
    saveTitle: 'Write the file into the machine (Ctrl+S)',
    close: 'Close',
    reload: 'Reload',
    reloadTitle: "Read the machine's file again (your changes here are lost)",
    overwrite: 'Overwrite',
    opening: (file: string) => `Opening ${file}…`,
    saving: 'Saving…',
    savedAt: (time: string) => `Saved at ${time}`,
    newFile: 'New file: Save creates it.',
    changedMeanwhile: 'The file changed in the machine since it was opened. Reload it (your changes here are lost) or overwrite it with yours.',
    unsaved: 'Changes not saved',
    tooBig: (max: number) => `The editor opens files up to ${mb(max)}; use vi or nano in the terminal for this one.`,
    folder: (file: string) => `${file} is a folder, not a file.`,
    notText: (file: string) => `${file} is not UTF-8 text: the editor does not open it.`,
    failed: (reason: string) => `The file could not be read or written: ${reason}`,
    closeUnsaved: 'Close the editor and lose the changes not saved?',
    limits: (max: number) => `Text files up to ${mb(max)}.`,
  },

  /** files dropped on the page, and labbox-download */
  files: {
    dropHere: (max: number) => `Drop files or folders here: they go to /root/uploads/ in the machine (up to ${mb(max)} at once)`,
    uploading: 'Uploading to /root/uploads/',
    uploaded: (count: number) => `${count} ${count === 1 ? 'file' : 'files'} in /root/uploads/`,
    tooBig: (max: number) => `Not uploaded: more than ${mb(max)} at once. Drop fewer or smaller files.`,
    failed: (reason: string) => `The upload stopped: ${reason}`,
    downloading: (path: string) => `Preparing ${path} for download…`,
    downloadTooBig: (path: string, max: number) => `${path} is larger than ${mb(max)}: not downloaded.`,
    downloaded: (name: string) => `${name} is in the browser's downloads`,
    downloadFailed: (path: string, reason: string) => `${path} could not be downloaded: ${reason}`,
    notRunning: 'The machine is not running.',
  },

  /** the cluster bar and its nodes */
  cluster: {
    notStarted: (node: string) => `This runs on ${node}, which is not started: start the lab's nodes first (the button at the top of the lab).`,
    mainNotRunning: 'The machine is not running yet: it becomes node1 once it is.',
    couldNotStart: (reason: string) => `The cluster could not start: ${reason}`,
    couldNotRestore: (reason: string) => `The cluster could not be restored: ${reason}`,
    nodeNotSaved: (node: string, reason: string) => `${node} could not be saved: ${reason}`,
    restoring: (node: string) => `Restoring ${node}`,
    startingNode: 'Starting a node',
    step: (what: string, message: string) => `${what}: ${message}`,
    nodeReady: (node: string, address: string) => `${node} is ready (${address}); its shell is in a new tab.`,
    notRestored: (node: string) => `${node} was not restored`,
    noNewNode: 'No new node',
    failed: (what: string, reason: string) => `${what}: ${reason}`,
    label: 'Cluster:',
    openShell: (node: string) => `Open a shell on ${node}`,
    stopNode: (node: string) => `Stop ${node} (what it holds is lost)`,
    starting: 'Starting a node…',
    addNode: '+ node',
    addNodeTitle: 'Start another node on this network',
    memory: (nodes: number, used: number, budget: number) => `${nodes} nodes · ${gib(used)} of ${gib(budget)} GiB this browser can give`,
    atMost: (max: number) => `A cluster has at most ${max} nodes.`,
    tooMuchMemory: (next: number, budget: number) =>
      `Another node would take the cluster to ${gib(next)} GiB of memory; this browser can give about ${gib(budget)} GiB. Stop a node first, or use a computer with more memory.`,
    alreadyRunning: (node: string) => `${node} is already running`,
  },

  /** the terminal tabs and what is written into a terminal */
  terminals: {
    shell: (n: number) => `shell ${n}`,
    nodeShell: (node: string, n: number) => `${node}: shell ${n}`,
    newTab: 'New terminal',
    newTabTitle: 'New terminal (Alt+T)',
    close: 'Close',
    closeTitle: 'Close (Alt+W)',
    exited: (code: number) => `[the shell exited with code ${code}]`,
    /** xterm.js's own words, for screen readers */
    inputLabel: 'Terminal input',
    tooMuchOutput: 'Too much output to announce, navigate to rows manually to read',
    dropped: (count: number, kib: number) => `[${count} characters typed before the machine was ready were dropped: ${kib} KiB at most are kept]`,
  },

  /** the keyboard help (F1) */
  help: {
    title: 'Keyboard',
    newTerminal: 'open a new terminal',
    closeTerminal: 'close the current terminal',
    switchTerminal: 'switch to terminal 1 … 9',
    copy: 'copy the selection',
    paste: 'paste (Ctrl+V and the browser menu work too)',
    search: 'search in the current terminal',
    help: 'show or hide this help',
    about:
      'Each tab is its own login shell in the same Linux machine. The machine is real: Docker, LXC, namespaces and cgroups behave as on a server, only slower.',
    close: 'Close',
  },

  /** the emulator worker: its progress, and why a start failed */
  machine: {
    readingManifest: 'Reading the guest manifest',
    readingSaved: 'Reading your saved machine',
    restoring: 'Restoring the machine',
    downloading: 'Downloading the machine snapshot',
    ready: 'Ready',
    unreachable:
      'the network or the server is unreachable; if you are offline, this machine was not made available offline in this browser (the Offline button does that, once connected)',
    waitingForDisk: (why: string) =>
      `The machine is waiting for a part of its disk that could not be downloaded: ${why}. It carries on by itself once the part arrives.`,
    couldNotDownload: (file: string, why: string) => `Could not download ${file}: ${why}.`,
    httpStatus: (status: number) => `the server answered HTTP ${status}`,
    cutOff: (file: string, why: string) => `The download of ${file} was cut off: ${why}.`,
    imageNotLoaded: (url: string, why: string) => `The guest image could not be loaded from ${url} (${why}).`,
    noManifest: 'no guest manifest there',
    corrupt: 'The machine snapshot is corrupt (its checksum does not match the manifest). Reload to download it again.',
    notRunning: 'the guest is not running',
    alreadyRunning: 'the guest is already running',
    noWebAssembly: 'This browser has no WebAssembly, which the emulator needs. Use a recent Firefox, Chrome or Edge.',
    noWorkers: 'This browser cannot run Web Workers, which the emulator needs.',
    workerStopped: (reason: string) => `The emulator stopped: ${reason}.`,
    workerFailed: 'the worker failed to load',
    emulatorNotDownloaded: (why: string) => `The emulator could not be downloaded (${why}).`,
  },

  /** the lab beside the terminals (in the lab's own language) */
  lab: {
    labs: 'Labs',
    run: 'Run in terminal',
    hint: 'Hint',
    check: 'Check',
    checking: 'Checking…',
    passed: 'Done',
    notYet: 'Not done yet',
    answer: 'Answer',
    right: 'Right.',
    wrong: 'Not quite.',
    minutes: 'min',
    steps: 'steps passed',
    noMachine: 'The machine is not running yet.',
    timeout: (seconds: number) => `The check did not finish within ${seconds} s and was stopped; the machine keeps working.`,
    exitCode: (n: number) => `The check says this step is not done yet (exit code ${n}).`,
    catalogue: 'All labs',
    record: 'Completion record',
    yourName: 'Your name',
    makeRecord: 'Download the record',
    noQr: 'The record file is saved, but its QR code could not be drawn',
    clusterNeeded: (n: number) => `This lab uses ${n} machines on one network: node1 is the one running now.`,
    startCluster: (n: number) => `Start the ${n} nodes`,
    machineNeeded: (machine: string) =>
      machine === 'kubernetes'
        ? 'This lab runs on the Kubernetes machine: the same Linux machine with a one-node Kubernetes cluster already started on it (its control plane, kubelet and kube-proxy). The machine running now is saved first and stays in "Saved".'
        : `This lab runs on the machine "${machine}". The machine running now is saved first and stays in "Saved".`,
    startMachine: (machine: string) => (machine === 'kubernetes' ? 'Open the Kubernetes machine' : `Open the machine "${machine}"`),
    freshOffer: 'Or leave all of it behind:',
    startFresh: 'Start this lab on a fresh machine',
    freshTitle: 'The machine running now is saved first and stays in "Saved".',
    caveat: 'The record carries a digest that catches accidental or naive edits. With no server, it is not proof against someone who recomputes it.',
    rewind: '↺ Start this step again',
    inspect: (view: string) => `🔍 See it in the inspector (${view})`,
    otherImage: (wanted: string, here: string) =>
      `This lab was written for the "${wanted}" machine image; this machine is "${here}": some steps may not work as written.`,
    rewindConfirm: (step: string) =>
      `Go back to the start of "${step}"? The machine returns to how it was then. Your current machine is saved first as "Autosave" (in "Saved").`,
    notStored: (reason: string) => `This step's result could not be stored in the browser (${reason}); it is shown but will be lost on reload.`,
  },

  /** the authoring view (?author) */
  author: {
    title: 'Write a lab',
    source: 'Lab source (Markdown)',
    preview: 'Preview',
    share: 'Copy share link',
    link: 'Share link',
    thisLab: 'This lab',
    linkedLab: 'The lab in this link',
    template: `---
id: my-lab
title: My lab
lang: en
time: 10
---
What this lab is about.

## First step {#first}
Do this in the terminal:
\`\`\`sh
echo hello > /root/hello.txt
\`\`\`
\`\`\`check
grep -q hello /root/hello.txt
\`\`\`
`,
  },

  /**
   * Errors of the platform-free layers (storage, labs): they throw a key and its arguments
   * (SaidError, index.ts), with this English text as their message; the page says them in
   * its own language (errorText).
   */
  errors: {
    noRoomSnapshot: 'The browser has no room left for this snapshot. Your previous snapshots are unchanged; delete or export old ones to make room.',
    noRoomSave: 'The browser has no room left for this save. Your previous saves are unchanged; delete or export old ones to make room.',
    partMismatch: (n: number, of: number) => `part ${n} of ${of} does not match its checksum`,
    snapshotGone: 'That snapshot no longer exists.',
    snapshotDamaged: (name: string, reason: string) => `Snapshot "${name}" is damaged and cannot be restored (${reason}). Your other snapshots are unaffected.`,
    pieceDamaged: (name: string, n: number, of: number, missing: boolean) =>
      `Snapshot "${name}" is damaged (part ${n} of ${of} ${missing ? 'is missing' : 'does not match its checksum'}) and cannot be restored. Your other snapshots are unaffected.`,
    snapshotChanged: 'That snapshot changed or was deleted while it was being saved.',
    tooMuchWritten:
      "This machine's disk holds more written data than a save can hold (512 MiB at most), so it cannot be saved now. Delete large files you no longer need (rm), then save again. Your previous saves are unchanged.",
    otherImage: (name: string, theirs: string, ours: string) =>
      `Snapshot "${name}" was made with another version of the machine image (${theirs}, this site has ${ours}). It is kept: export it, or start a fresh machine.`,
    otherEmulator: (name: string) =>
      `Snapshot "${name}" was made by another emulator build or memory size and cannot be restored here. It is kept: export it, or start a fresh machine.`,
    notSnapshotFile: 'This file is not a LabBox snapshot (it does not start like one).',
    fileCutShort: 'This snapshot file is incomplete (it was cut short).',
    fileFormat: (format: string, ours: number) => `This snapshot file has format ${format}; this site reads format ${ours}.`,

    labTimeout: (url: string, seconds: number) => `The lab at ${url} could not be downloaded: the server did not answer within ${seconds} s.`,
    labUnreachable: (url: string) =>
      `The lab at ${url} could not be downloaded: the network or the server is unreachable, or the server does not allow this site to read it (CORS).`,
    labHttp: (url: string, status: number) => `The lab at ${url} could not be downloaded: the server answered HTTP ${status}.`,
    labTooLarge: (url: string, mib: number) => `The file at ${url} is larger than a lab can be (${mib} MiB at most): it is not read.`,
    labSlow: (url: string, seconds: number) => `The lab at ${url} could not be downloaded: the whole lab did not arrive within ${seconds} s.`,
    labCut: (url: string) => `The lab at ${url} could not be downloaded: the connection was cut.`,
    labFile: (what: 'check' | 'solution', file: string, reason: string) => `The lab's ${what} file ${file} could not be read: ${reason}`,
    labFileInvalid: (file: string, reason: string) => `${file}, ${reason}`,
    notALab: (source: string, reason: string) => `${source} is not a valid lab: ${reason}`,
    linkTooLong: (length: number, max: number) =>
      `This lab is too long to share in a link (${length} characters packed, at most ${max}): put it on a web server and share ?lab=<its URL>.`,
    linkDamaged: 'This lab link is damaged or cut short (its packed lab does not decode). Ask for the link again.',
    linkNeedsInline: 'A lab shared inside a link must hold its checks in the file itself (```check blocks), not in separate files.',

    atLine: (line: number, message: string) => `line ${line}: ${message}`,
    badId: (id: string) => `the lab id "${id}" may only hold a-z, 0-9 and "-"`,
    twoSteps: (id: string) => `two steps have the id "${id}"`,
    fenceOpen: (fence: string) => `this \`${fence}\` block is never closed`,
    outsideStep: (kind: string) => `a \`${kind}\` block must be inside a step (after a "## " heading)`,
    inspectView: (views: string) => `an \`inspect\` block names a view: ${views}`,
    noSteps: 'a lab needs at least one step (a "## " heading)',
    nodes: (value: string) => `"nodes" is the number of machines a cluster lab needs: 2, 3 or 4 (not "${value}")`,
    machine: (value: string) => `"machine" names one of the image's machines, in a-z, 0-9 and "-" (not "${value}")`,
    unknownStep: (what: 'check' | 'solution', step: string) => `the ${what} file names a step "${step}" that the lab does not have`,
    twoSections: (step: string) => `the checks file has two sections for the step "${step}"`,
    quizLine: 'a quiz line starts with "?" (question), "- [x]" / "- [ ]" (choices) or "=" (explanation)',
    quizQuestion: 'this quiz has no question ("? …" line)',
    quizChoices: 'a quiz needs at least two choices',
    quizAnswer: 'a quiz needs at least one right answer ("- [x] …")',
    frontMatter: 'a lab starts with front matter: a "---" line, then "id:", "title:", "lang:", then "---"',
    frontLine: 'front matter lines are "key: value"',
    frontOpen: 'the front matter is never closed (a second "---" line)',
    frontField: (key: string) => `the front matter needs "${key}:"`,
    badLang: (lang: string) => `"lang:" must be fr or en, not "${lang}"`,
  },
};

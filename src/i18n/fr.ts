/** The interface's words in French: the keys of en.ts, each one said as a French reader expects it. */
import type { Strings } from './index';
import { comma, gib, mib, percentOf } from './format';

const mo = (bytes: number) => `${comma(mib(bytes))} Mo`;
const go = (bytes: number) => comma(gib(bytes));

export const fr: Strings = {
  code: 'fr',

  page: {
    title: 'LabBox — une machine Linux avec Docker dans votre navigateur',
    terminals: 'Terminaux',
    clusterNodes: 'Nœuds du cluster',
    lab: 'Lab',
    inspector: 'Inspecteur',
    loadFailed: (reason: string) => `LabBox n'a pas pu charger sa page (${reason}). Rechargez-la pour réessayer.`,
  },

  header: {
    pause: 'Pause',
    resume: 'Reprendre',
    save: 'Enregistrer',
    saveTitle: "Enregistrer la machine maintenant (elle s'enregistre aussi d'elle-même toutes les quelques minutes)",
    saved: 'Enregistrées',
    savedTitle: 'Machines enregistrées : restaurer, nommer, exporter, importer',
    reset: 'Réinitialiser',
    resetTitle: "Repartir d'une machine neuve",
    offline: 'Hors ligne',
    offlineTitle: 'Télécharger tout ce dont LabBox a besoin pour fonctionner sans réseau',
    inspect: 'Inspecter',
    inspectTitle: 'Voir en direct les namespaces, les cgroups et le réseau de la machine',
    lab: 'Lab',
    labTitle: 'Afficher ou masquer le lab',
    help: 'Aide',
    helpTitle: 'Aide du clavier (F1)',
  },

  size: {
    megabytes: mo,
    doing: (what: string, loaded: number, total: number) => `${what} : ${mo(loaded)} sur ${mo(total)} (${percentOf(loaded, total)} %)`,
    stored: (used: number, quota: number, persisted: boolean, lowRoom: number | null) =>
      `Espace occupé : ${mo(used)} sur les ${mo(quota)} que permet le navigateur${persisted ? " (à l'abri de l'effacement)" : ''}${lowRoom === null ? '' : ` — il ne reste que ${mo(lowRoom)} : supprimez ou exportez des machines enregistrées avant le prochain enregistrement`}`,
    unknownQuota: "Ce navigateur n'indique pas combien il peut stocker.",
  },

  status: {
    guestMemory: (used: number, total: number) => `mémoire de la machine ${mo(used)} / ${mo(total)}`,
    paused: 'En pause',
    ready: 'Prête',
    retry: 'Réessayer',
    restartFromSave: 'Redémarrer depuis le dernier enregistrement',
    chooseAnother: 'Choisir une autre machine enregistrée',
    startFresh: 'Démarrer une machine neuve',
    webkit:
      "Safari et les navigateurs d'iOS limitent une page à environ 256 Mo, moins que ce dont cette machine a besoin (512 Mo). Utilisez Firefox, Chrome ou Edge sur un ordinateur.",
    restored: (name: string) => `« ${name} » restaurée`,
    labProgressNotRestored: (reason: string) => `Progression des labs non restaurée : ${reason}`,
    separateMachine: "Une machine à part : elle ne s'enregistre pas d'elle-même. « Enregistrer » la garde dans « Enregistrées » sous son propre nom.",
    resumeToSave: "Reprenez la machine pour l'enregistrer.",
    notSavedNotReplaced: "La machine actuelle n'a pas pu être enregistrée : elle continue donc de tourner, rien n'est perdu. Réessayez dans un instant.",
    savingCheckpoint: (name: string) => `Enregistrement d'un point de reprise : ${name}…`,
    savingMachine: 'Enregistrement de la machine…',
    checkpointSaved: (name: string) => `Point de reprise enregistré : ${name}`,
    saved: 'Enregistrée',
    savedAt: (what: string, time: string, bytes: number) => `${what} à ${time} (${mo(bytes)})`,
    changesSavedAt: (time: string) => `Enregistrée à ${time}`,
    noCheckpoint: (reason: string) => `Pas de point de reprise pour cette étape : ${reason}`,
    notSaved: (reason: string) => `Non enregistrée : ${reason}`,
    stoppedAnswering:
      "La machine ne répond plus. Redémarrez-la depuis votre dernier enregistrement fait avant (le travail fait depuis est perdu), réinitialisez-la, ou patientez : ce message s'efface si elle répond de nouveau.",
    answersAgain: 'La machine répond de nouveau.',
    notAnswering: 'la machine ne répond pas',
    listError: (reason: string) => `Vos machines enregistrées n'ont pas pu être lues (${reason}) ; démarrage d'une machine neuve.`,
    otherVersion: (name: string) =>
      `Votre dernière machine, « ${name} », a été créée avec une autre version de l'image de machine de LabBox et ne peut pas fonctionner ici. Elle reste dans « Enregistrées » : exportez-la pour en garder une copie.`,
    notRunningYet: 'La machine ne tourne pas encore.',
  },

  saveNames: {
    autosave: 'Sauvegarde automatique',
    separate: 'Machine à part',
    notAnswering: 'Sauvegarde automatique prise quand la machine ne répondait plus',
  },

  ask: {
    rewindUnsaved:
      "Votre machine actuelle n'a pas pu être enregistrée (voir la barre d'état). Revenir en arrière quand même et perdre ce que vous avez fait depuis votre dernier enregistrement ?",
    reset:
      "Repartir d'une machine neuve ? Ce que vous avez fait depuis votre dernier enregistrement est perdu (les machines enregistrées restent dans « Enregistrées »).",
    search: 'Rechercher dans le terminal :',
  },

  oneTab: {
    openElsewhere: 'Votre machine est ouverte dans un autre onglet de ce navigateur.',
    movedAway: 'Votre machine est passée dans un autre onglet.',
    why: (message: string) => `${message} Si deux onglets la faisaient tourner, chacun écraserait le travail de l'autre en l'enregistrant.`,
    moveHere: 'La faire venir ici',
    openSeparate: 'Ouvrir une machine à part',
    handingOver: "L'autre onglet enregistre la machine et la cède…",
    notSavedThere: "elle n'a pas pu être enregistrée : voir la barre d'état de cet onglet",
    refused: (reason: string) => `L'autre onglet n'a pas pu enregistrer sa machine (${reason}) ; elle continue d'y tourner.`,
    noAnswer: "L'autre onglet n'a pas cédé la machine (il est peut-être figé) : fermez-le, ou ouvrez ici une machine à part.",
  },

  saved: {
    title: 'Machines enregistrées',
    name: 'Nom',
    when: 'Enregistrée le',
    size: 'Taille',
    saveAs: 'Enregistrer sous…',
    import: 'Importer un fichier…',
    fresh: 'Démarrer une machine neuve',
    close: 'Fermer',
    unreadable: (reason: string) => `Les machines enregistrées n'ont pas pu être lues : ${reason}`,
    empty:
      "Rien d'enregistré pour l'instant. La machine s'enregistre d'elle-même toutes les quelques minutes pendant que vous travaillez, et quand vous quittez la page.",
    automatic: 'automatique',
    checkpoint: "début d'une étape de lab",
    kind: (name: string, kind: string) => `${name} (${kind})`,
    cluster: (title: string, nodes: number) => `${title} · cluster de ${nodes} nœuds`,
    restore: 'Restaurer',
    rename: 'Renommer',
    export: 'Exporter',
    delete: 'Supprimer',
    newName: 'Nouveau nom pour cette machine enregistrée :',
    confirmDelete: (name: string) => `Supprimer la machine enregistrée « ${name} » ? C'est définitif (exportez-la d'abord pour en garder une copie).`,
    askName: 'Nom de cette machine enregistrée (par exemple « avant le lab 3 ») :',
    saving: 'Enregistrement…',
    savedAs: (name: string) => `« ${name} » enregistrée.`,
    notSaved: "La machine n'a pas été enregistrée (voir la barre d'état).",
    startFirst: "Démarrez d'abord la machine : un import est vérifié par rapport à elle.",
    importing: (file: string) => `Import de ${file}…`,
    imported: (name: string) => `« ${name} » importée. Restaurez-la depuis la liste.`,
    notImported: (file: string, reason: string) => `${file} n'a pas été importé : ${reason}`,
  },

  offline: {
    available: (bytes: number) => `LabBox est disponible hors ligne dans ce navigateur (${mo(bytes)}).`,
    question: (missing: number, total: number) =>
      `Faire fonctionner LabBox sans réseau ? Cela télécharge ${mo(missing)} (la machine entière fait ${mo(total)}) et les garde dans ce navigateur.`,
    downloading: "Téléchargement pour l'usage hors ligne",
    done: (bytes: number) => `LabBox est disponible hors ligne dans ce navigateur (${mo(bytes)}). Votre machine et les labs fonctionnent sans réseau.`,
    failed: (reason: string) => `Pas disponible hors ligne : ${reason}`,
    extrasQuestion: (missing: number) =>
      `Garder aussi les programmes du lab etcd et de Kubernetes, et la machine Kubernetes, pour l'usage hors ligne (${mo(missing)} de plus) ? Seuls ces labs en ont besoin.`,
    extrasDownloading: 'Téléchargement des programmes du lab etcd et de Kubernetes',
    extrasDone: (bytes: number) => `LabBox est disponible hors ligne dans ce navigateur, etcd et Kubernetes compris (${mo(bytes)} pour eux).`,
    unavailableHere:
      "Ce navigateur ne peut pas garder LabBox pour l'usage hors ligne à cette adresse : l'usage hors ligne demande https, ou le site ouvert en localhost.",
    listFailed: (why: string) => `La liste des fichiers de la machine n'a pas pu être téléchargée (${why}).`,
    networkError: 'erreur réseau',
    fileFailed: (path: string, why: string) => `${path} n'a pas pu être téléchargé (${why}). Ce qui a été téléchargé est gardé : réessayez pour terminer.`,
    unreachable: 'le réseau ou le serveur est injoignable',
    noRoom: (needed: number) =>
      `Le navigateur n'a plus de place pour la copie hors ligne (${Math.round(needed / 2 ** 20)} Mo nécessaires). Libérez de l'espace (supprimez ou exportez des machines enregistrées) et réessayez.`,
    newVersion: 'Une nouvelle version de LabBox est prête.',
    newImage:
      "Une nouvelle version de LabBox est prête, avec une nouvelle image de machine : les machines enregistrées avec celle-ci ne pourront pas y être restaurées (elles restent dans « Enregistrées », d'où vous pouvez les exporter). Elle démarre à la prochaine ouverture de LabBox.",
    switchNow: 'Passer à la nouvelle version',
    saveAndSwitch: 'Enregistrer et passer à la nouvelle version',
    later: 'Plus tard',
    keepWorking: 'Continuer sur ma machine',
    noServiceWorker: (reason: string) => `L'usage hors ligne n'est pas disponible : le service worker n'a pas démarré (${reason}).`,
  },

  inspector: {
    title: 'Inspecter',
    namespaces: 'Namespaces',
    cgroups: 'cgroups',
    network: 'Réseau',
    what: 'Que regarde-t-on ?',
    machine: 'la machine',
    processes: 'processus',
    processList: (count: number, commands: string) => `${count} processus : ${commands}`,
    noLimit: 'sans limite',
    oom: 'OOM kills',
    waiting: 'Lecture de la machine…',
    notRunning: 'La machine ne tourne pas.',
    containers: 'Conteneurs :',
    none: 'aucun',
    cpu: 'CPU',
    memory: 'mémoire',
    type: 'type',
    stopped: 'arrêté',
    notes: {
      namespaces:
        "Chaque ligne est un namespace : le nombre est son inode, celui que montrent `ls -l /proc/<pid>/ns` et `lsns`. Les processus d'un même namespace partagent cette vue du système (PID : numéros de processus ; mnt : montages ; net : interfaces et ports ; uts : nom d'hôte ; ipc : mémoire partagée et files ; user : identifiants ; cgroup : la racine des cgroups). Un conteneur est un arbre de processus dont les namespaces ne sont pas ceux de la machine.",
      cgroups:
        "L'arbre des cgroups v2 sous /sys/fs/cgroup. Chaque groupe limite et compte ses processus : memory.current face à memory.max, pids.current face à pids.max, le temps CPU (cpu.stat) et les OOM kills de memory.events. `docker run --memory` et `--pids-limit` écrivent ces fichiers.",
      network:
        "Les bridges (docker0, un br-… par réseau utilisateur) sont des commutateurs virtuels. Chaque conteneur a un bout d'une paire veth (son eth0) dans son propre namespace réseau ; l'autre bout est branché sur un bridge de la machine. Les ports publiés (-p) sont des règles NAT du port de la machine vers celui du conteneur.",
    },
  },

  preview: {
    title: 'Aperçu LabBox',
    howTo: "L'aperçu montre un serveur qui tourne dans la machine LabBox, en HTTP seulement, tant qu'un onglet de ce navigateur fait tourner cette machine.",
    badAddress: "Cette adresse n'est pas un aperçu : utilisez /preview/<port>/, ou /preview/<nœud>/<port>/ pour un nœud du cluster.",
    closed: (port: number, node?: string) =>
      `Rien n'écoute sur le port ${port} ${node ? `de ${node}` : 'de la machine'}. Lancez d'abord un serveur (par exemple docker run -d -p ${port}:80 nginx), puis rechargez cette page.`,
    needsServiceWorker:
      "Cette adresse d'aperçu a atteint le serveur du site, pas le service worker de LabBox. L'aperçu demande le site en https ou sur localhost, ouvert une fois jusqu'à son invite (le service worker s'installe alors) : ouvrez LabBox dans un autre onglet, attendez son invite, puis rechargez cette page.",
    noMachine:
      'Aucun onglet de ce navigateur ne fait tourner la machine LabBox : ouvrez LabBox dans un autre onglet, attendez son invite, puis rechargez cette page.',
    noNode: (node: string) => `${node} ne tourne pas : démarrez les nœuds du cluster dans l'onglet LabBox, puis rechargez cette page.`,
    noAnswer: (port: number) =>
      `Le serveur du port ${port} a fermé la connexion sans répondre. Un conteneur qui démarre encore fait cela à travers le proxy de Docker : rechargez cette page dans un instant.`,
    failed: (port: number, reason: string) => `La requête vers le port ${port} n'a pas abouti : ${reason}`,
    notHttp: (port: number, reason: string) =>
      `Le serveur du port ${port} n'a pas répondu en HTTP (${reason}). L'aperçu ne transporte que HTTP, ni HTTPS ni d'autres protocoles.`,
    tooBig: (max: number) => `Le corps de cette requête dépasse ce que l'aperçu transporte (${mo(max)}).`,
    ports: 'Ports',
    portsTitle: "Serveurs à l'écoute dans la machine : en ouvrir un dans un onglet",
    listening: "Ports à l'écoute",
    none: "Rien n'écoute encore sur un port TCP. Lancez un serveur, par exemple : docker run -d -p 8080:80 nginx",
    refresh: 'Actualiser',
    reading: 'Lecture de la machine…',
    note: "S'ouvre dans un nouvel onglet, en HTTP, tant que cet onglet fait tourner la machine. Les cookies du serveur ne sont pas gardés.",
    open: (port: number) => `Ouvrir le port ${port} dans un nouvel onglet`,
  },

  editor: {
    pane: 'Éditeur',
    title: (file: string) => `Modification de ${file}`,
    save: 'Enregistrer',
    saveTitle: 'Écrire le fichier dans la machine (Ctrl+S)',
    close: 'Fermer',
    reload: 'Relire',
    reloadTitle: 'Relire le fichier de la machine (vos modifications ici sont perdues)',
    overwrite: 'Écraser',
    opening: (file: string) => `Ouverture de ${file}…`,
    saving: 'Enregistrement…',
    savedAt: (time: string) => `Enregistré à ${time}`,
    newFile: 'Nouveau fichier : « Enregistrer » le crée.',
    changedMeanwhile:
      'Le fichier a changé dans la machine depuis son ouverture. Relisez-le (vos modifications ici sont perdues) ou écrasez-le avec les vôtres.',
    unsaved: 'Modifications non enregistrées',
    tooBig: (max: number) => `L'éditeur ouvre les fichiers jusqu'à ${mo(max)} ; pour celui-ci, utilisez vi ou nano dans le terminal.`,
    folder: (file: string) => `${file} est un dossier, pas un fichier.`,
    notText: (file: string) => `${file} n'est pas du texte UTF-8 : l'éditeur ne l'ouvre pas.`,
    failed: (reason: string) => `Le fichier n'a pas pu être lu ou écrit : ${reason}`,
    closeUnsaved: "Fermer l'éditeur et perdre les modifications non enregistrées ?",
    limits: (max: number) => `Fichiers texte jusqu'à ${mo(max)}.`,
  },

  files: {
    dropHere: (max: number) => `Déposez des fichiers ou des dossiers ici : ils vont dans /root/uploads/ de la machine (jusqu'à ${mo(max)} à la fois)`,
    uploading: 'Envoi vers /root/uploads/',
    uploaded: (count: number) => `${count} ${count === 1 ? 'fichier' : 'fichiers'} dans /root/uploads/`,
    tooBig: (max: number) => `Rien n'est envoyé : plus de ${mo(max)} à la fois. Déposez moins de fichiers, ou de plus petits.`,
    failed: (reason: string) => `L'envoi s'est arrêté : ${reason}`,
    downloading: (path: string) => `Préparation de ${path} pour le téléchargement…`,
    downloadTooBig: (path: string, max: number) => `${path} dépasse ${mo(max)} : pas de téléchargement.`,
    downloaded: (name: string) => `${name} est dans les téléchargements du navigateur`,
    downloadFailed: (path: string, reason: string) => `${path} n'a pas pu être téléchargé : ${reason}`,
    notRunning: 'La machine ne tourne pas.',
  },

  cluster: {
    notStarted: (node: string) => `Ceci s'exécute sur ${node}, qui n'est pas démarré : démarrez d'abord les nœuds du lab (le bouton en haut du lab).`,
    mainNotRunning: 'La machine ne tourne pas encore : elle deviendra node1 une fois démarrée.',
    couldNotStart: (reason: string) => `Le cluster n'a pas pu démarrer : ${reason}`,
    couldNotRestore: (reason: string) => `Le cluster n'a pas pu être restauré : ${reason}`,
    nodeNotSaved: (node: string, reason: string) => `${node} n'a pas pu être enregistré : ${reason}`,
    restoring: (node: string) => `Restauration de ${node}`,
    startingNode: "Démarrage d'un nœud",
    step: (what: string, message: string) => `${what} : ${message}`,
    nodeReady: (node: string, address: string) => `${node} est prêt (${address}) ; son terminal est dans un nouvel onglet.`,
    notRestored: (node: string) => `${node} n'a pas été restauré`,
    noNewNode: 'Pas de nouveau nœud',
    failed: (what: string, reason: string) => `${what} : ${reason}`,
    label: 'Cluster :',
    openShell: (node: string) => `Ouvrir un terminal sur ${node}`,
    stopNode: (node: string) => `Arrêter ${node} (ce qu'il contient est perdu)`,
    starting: "Démarrage d'un nœud…",
    addNode: '+ nœud',
    addNodeTitle: 'Démarrer un autre nœud sur ce réseau',
    memory: (nodes: number, used: number, budget: number) => `${nodes} nœuds · ${go(used)} Gio sur les ${go(budget)} Gio que ce navigateur peut donner`,
    atMost: (max: number) => `Un cluster compte au plus ${max} nœuds.`,
    tooMuchMemory: (next: number, budget: number) =>
      `Un nœud de plus porterait le cluster à ${go(next)} Gio de mémoire ; ce navigateur peut en donner environ ${go(budget)} Gio. Arrêtez d'abord un nœud, ou utilisez un ordinateur avec plus de mémoire.`,
    alreadyRunning: (node: string) => `${node} tourne déjà`,
  },

  terminals: {
    shell: (n: number) => `terminal ${n}`,
    nodeShell: (node: string, n: number) => `${node} : terminal ${n}`,
    newTab: 'Nouveau terminal',
    newTabTitle: 'Nouveau terminal (Alt+T)',
    close: 'Fermer',
    closeTitle: 'Fermer (Alt+W)',
    exited: (code: number) => `[le shell s'est terminé avec le code ${code}]`,
    inputLabel: 'Saisie du terminal',
    tooMuchOutput: 'Trop de sortie pour être annoncée : parcourez les lignes pour la lire',
    dropped: (count: number, kib: number) => `[${count} caractères tapés avant que la machine soit prête ont été ignorés : ${kib} Kio au plus sont gardés]`,
  },

  help: {
    title: 'Clavier',
    newTerminal: 'ouvrir un nouveau terminal',
    closeTerminal: 'fermer le terminal courant',
    switchTerminal: 'passer au terminal 1 … 9',
    copy: 'copier la sélection',
    paste: 'coller (Ctrl+V et le menu du navigateur fonctionnent aussi)',
    search: 'chercher dans le terminal courant',
    help: 'afficher ou masquer cette aide',
    about:
      "Chaque onglet est un shell de connexion à lui seul, dans la même machine Linux. La machine est réelle : Docker, LXC, les namespaces et les cgroups s'y comportent comme sur un serveur, en plus lent.",
    close: 'Fermer',
  },

  machine: {
    readingManifest: "Lecture du manifeste de l'image",
    readingSaved: 'Lecture de votre machine enregistrée',
    restoring: 'Restauration de la machine',
    downloading: "Téléchargement de l'instantané de la machine",
    ready: 'Prête',
    unreachable:
      "le réseau ou le serveur est injoignable ; si vous êtes hors ligne, cette machine n'a pas été rendue disponible hors ligne dans ce navigateur (le bouton « Hors ligne » le fait, une fois connecté)",
    waitingForDisk: (why: string) =>
      `La machine attend une partie de son disque qui n'a pas pu être téléchargée : ${why}. Elle reprend d'elle-même dès que cette partie arrive.`,
    couldNotDownload: (file: string, why: string) => `Impossible de télécharger ${file} : ${why}.`,
    httpStatus: (status: number) => `le serveur a répondu HTTP ${status}`,
    cutOff: (file: string, why: string) => `Le téléchargement de ${file} a été interrompu : ${why}.`,
    imageNotLoaded: (url: string, why: string) => `L'image de la machine n'a pas pu être chargée depuis ${url} (${why}).`,
    noManifest: "pas de manifeste d'image à cet endroit",
    corrupt: "L'instantané de la machine est corrompu (sa somme de contrôle ne correspond pas au manifeste). Rechargez la page pour le télécharger à nouveau.",
    notRunning: 'la machine ne tourne pas',
    alreadyRunning: 'la machine tourne déjà',
    noWebAssembly: "Ce navigateur n'a pas WebAssembly, dont l'émulateur a besoin. Utilisez un Firefox, un Chrome ou un Edge récent.",
    noWorkers: "Ce navigateur ne peut pas faire tourner de Web Workers, dont l'émulateur a besoin.",
    workerStopped: (reason: string) => `L'émulateur s'est arrêté : ${reason}.`,
    workerFailed: "le worker n'a pas pu se charger",
    emulatorNotDownloaded: (why: string) => `L'émulateur n'a pas pu être téléchargé (${why}).`,
  },

  lab: {
    labs: 'Labs',
    run: 'Exécuter dans le terminal',
    hint: 'Indice',
    check: 'Vérifier',
    checking: 'Vérification…',
    passed: 'Fait',
    notYet: 'Pas encore',
    answer: 'Répondre',
    right: 'Exact.',
    wrong: 'Pas tout à fait.',
    minutes: 'min',
    steps: 'étapes réussies',
    noMachine: 'La machine ne tourne pas encore.',
    timeout: (seconds: number) => `La vérification n'a pas fini en ${seconds} s et a été arrêtée ; la machine continue de fonctionner.`,
    exitCode: (n: number) => `La vérification indique que l'étape n'est pas encore faite (code de sortie ${n}).`,
    catalogue: 'Tous les labs',
    record: 'Attestation de réalisation',
    yourName: 'Votre nom',
    makeRecord: "Télécharger l'attestation",
    noQr: "Le fichier de l'attestation est enregistré, mais son QR code n'a pas pu être dessiné",
    clusterNeeded: (n: number) => `Ce lab utilise ${n} machines sur un même réseau : node1 est celle qui tourne déjà.`,
    startCluster: (n: number) => `Démarrer les ${n} nœuds`,
    machineNeeded: (machine: string) =>
      machine === 'kubernetes'
        ? 'Ce lab se fait sur la machine Kubernetes : la même machine Linux, avec un cluster Kubernetes d’un nœud déjà démarré (son plan de contrôle, kubelet et kube-proxy). La machine actuelle est d’abord enregistrée et reste dans « Enregistrées ».'
        : `Ce lab se fait sur la machine « ${machine} ». La machine actuelle est d’abord enregistrée et reste dans « Enregistrées ».`,
    startMachine: (machine: string) => (machine === 'kubernetes' ? 'Ouvrir la machine Kubernetes' : `Ouvrir la machine « ${machine} »`),
    freshOffer: 'Ou repartir de zéro :',
    startFresh: 'Faire ce lab sur une machine neuve',
    freshTitle: 'La machine actuelle est d’abord enregistrée et reste dans « Enregistrées ».',
    caveat:
      "L'attestation porte une empreinte qui détecte les modifications accidentelles ou naïves. Sans serveur, elle ne prouve rien face à quelqu'un qui la recalcule.",
    rewind: '↺ Reprendre cette étape au début',
    inspect: (view: string) => `🔍 Le voir dans l'inspecteur (${view})`,
    otherImage: (wanted: string, here: string) =>
      `Ce lab a été écrit pour l'image de machine « ${wanted} » ; cette machine est « ${here} » : certaines étapes peuvent ne pas marcher telles quelles.`,
    rewindConfirm: (step: string) =>
      `Revenir au début de « ${step} » ? La machine redevient telle qu'elle était alors. Votre machine actuelle est d'abord enregistrée comme « Sauvegarde automatique » (dans « Enregistrées »).`,
    notStored: (reason: string) =>
      `Le résultat de cette étape n'a pas pu être stocké dans le navigateur (${reason}) ; il est affiché mais sera perdu au rechargement.`,
  },

  author: {
    title: 'Écrire un lab',
    source: 'Source du lab (Markdown)',
    preview: 'Aperçu',
    share: 'Copier le lien de partage',
    link: 'Lien de partage',
    thisLab: 'Ce lab',
    linkedLab: 'Le lab de ce lien',
    template: `---
id: mon-lab
title: Mon lab
lang: fr
time: 10
---
Ce que ce lab fait découvrir.

## Première étape {#premiere}
Faites ceci dans le terminal :
\`\`\`sh
echo bonjour > /root/bonjour.txt
\`\`\`
\`\`\`check
grep -q bonjour /root/bonjour.txt
\`\`\`
`,
  },

  errors: {
    noRoomSnapshot:
      "Le navigateur n'a plus de place pour cette machine enregistrée. Vos enregistrements précédents sont intacts ; supprimez ou exportez les anciens pour faire de la place.",
    noRoomSave:
      "Le navigateur n'a plus de place pour cet enregistrement. Vos enregistrements précédents sont intacts ; supprimez ou exportez les anciens pour faire de la place.",
    partMismatch: (n: number, of: number) => `la partie ${n} sur ${of} ne correspond pas à sa somme de contrôle`,
    snapshotGone: "Cette machine enregistrée n'existe plus.",
    snapshotDamaged: (name: string, reason: string) =>
      `La machine enregistrée « ${name} » est endommagée et ne peut pas être restaurée (${reason}). Vos autres machines enregistrées sont intactes.`,
    pieceDamaged: (name: string, n: number, of: number, missing: boolean) =>
      `La machine enregistrée « ${name} » est endommagée (la partie ${n} sur ${of} ${missing ? 'manque' : 'ne correspond pas à sa somme de contrôle'}) et ne peut pas être restaurée. Vos autres machines enregistrées sont intactes.`,
    snapshotChanged: 'Cette machine enregistrée a changé ou a été supprimée pendant son enregistrement.',
    tooMuchWritten:
      "Le disque de cette machine contient plus de données écrites qu'un enregistrement ne peut en contenir (512 Mio au plus) : elle ne peut pas être enregistrée pour l'instant. Supprimez les gros fichiers devenus inutiles (rm), puis enregistrez à nouveau. Vos enregistrements précédents sont intacts.",
    otherImage: (name: string, theirs: string, ours: string) =>
      `La machine enregistrée « ${name} » a été créée avec une autre version de l'image de machine (${theirs} ; ce site a ${ours}). Elle est gardée : exportez-la, ou démarrez une machine neuve.`,
    otherEmulator: (name: string) =>
      `La machine enregistrée « ${name} » a été créée par une autre version de l'émulateur ou avec une autre taille de mémoire, et ne peut pas être restaurée ici. Elle est gardée : exportez-la, ou démarrez une machine neuve.`,
    notSnapshotFile: "Ce fichier n'est pas une machine enregistrée de LabBox (il ne commence pas comme tel).",
    fileCutShort: 'Ce fichier de machine enregistrée est incomplet (il a été tronqué).',
    fileFormat: (format: string, ours: number) => `Ce fichier de machine enregistrée est au format ${format} ; ce site lit le format ${ours}.`,

    labTimeout: (url: string, seconds: number) => `Le lab ${url} n'a pas pu être téléchargé : le serveur n'a pas répondu en ${seconds} s.`,
    labUnreachable: (url: string) =>
      `Le lab ${url} n'a pas pu être téléchargé : le réseau ou le serveur est injoignable, ou le serveur ne permet pas à ce site de le lire (CORS).`,
    labHttp: (url: string, status: number) => `Le lab ${url} n'a pas pu être téléchargé : le serveur a répondu HTTP ${status}.`,
    labTooLarge: (url: string, mib: number) => `Le fichier ${url} est plus gros qu'un lab ne peut l'être (${mib} Mio au plus) : il n'est pas lu.`,
    labSlow: (url: string, seconds: number) => `Le lab ${url} n'a pas pu être téléchargé : il n'est pas arrivé en entier en ${seconds} s.`,
    labCut: (url: string) => `Le lab ${url} n'a pas pu être téléchargé : la connexion a été coupée.`,
    labFile: (what: 'check' | 'solution', file: string, reason: string) =>
      `Le fichier ${what === 'check' ? 'de vérifications' : 'de solutions'} du lab, ${file}, n'a pas pu être lu : ${reason}`,
    labFileInvalid: (file: string, reason: string) => `${file}, ${reason}`,
    notALab: (source: string, reason: string) => `${source} n'est pas un lab valide : ${reason}`,
    linkTooLong: (length: number, max: number) =>
      `Ce lab est trop long pour être partagé dans un lien (${length} caractères une fois compressé, ${max} au plus) : publiez-le sur un serveur web et partagez ?lab=<son URL>.`,
    linkDamaged: "Ce lien de lab est endommagé ou tronqué (le lab qu'il contient ne se décode pas). Redemandez le lien.",
    linkNeedsInline: 'Un lab partagé dans un lien doit contenir ses vérifications dans le fichier lui-même (blocs ```check), pas dans des fichiers à part.',

    atLine: (line: number, message: string) => `ligne ${line} : ${message}`,
    badId: (id: string) => `l'identifiant du lab « ${id} » ne peut contenir que a-z, 0-9 et « - »`,
    twoSteps: (id: string) => `deux étapes ont l'identifiant « ${id} »`,
    fenceOpen: (fence: string) => `ce bloc \`${fence}\` n'est jamais fermé`,
    outsideStep: (kind: string) => `un bloc \`${kind}\` doit être dans une étape (après un titre « ## »)`,
    inspectView: (views: string) => `un bloc \`inspect\` nomme une vue : ${views}`,
    noSteps: "un lab a besoin d'au moins une étape (un titre « ## »)",
    nodes: (value: string) => `« nodes » est le nombre de machines dont un lab de cluster a besoin : 2, 3 ou 4 (pas « ${value} »)`,
    machine: (value: string) => `« machine » nomme l’une des machines de l’image, en a-z, 0-9 et « - » (pas « ${value} »)`,
    unknownStep: (what: 'check' | 'solution', step: string) =>
      `le fichier ${what === 'check' ? 'de vérifications' : 'de solutions'} nomme une étape « ${step} » que le lab n'a pas`,
    twoSections: (step: string) => `le fichier de vérifications a deux sections pour l'étape « ${step} »`,
    quizLine: 'une ligne de quiz commence par « ? » (question), « - [x] » / « - [ ] » (choix) ou « = » (explication)',
    quizQuestion: "ce quiz n'a pas de question (ligne « ? … »)",
    quizChoices: "un quiz a besoin d'au moins deux choix",
    quizAnswer: "un quiz a besoin d'au moins une bonne réponse (« - [x] … »)",
    frontMatter: 'un lab commence par un en-tête : une ligne « --- », puis « id: », « title: », « lang: », puis « --- »',
    frontLine: "les lignes de l'en-tête sont de la forme « clé: valeur »",
    frontOpen: "l'en-tête n'est jamais fermé (une seconde ligne « --- »)",
    frontField: (key: string) => `l'en-tête a besoin de « ${key}: »`,
    badLang: (lang: string) => `« lang: » doit valoir fr ou en, pas « ${lang} »`,
  },
};

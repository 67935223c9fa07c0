"""The message catalog: every text a user of the product reads, in pt-BR (default) and English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

DEFAULT_LANGUAGE: Final = "pt-BR"
LANGUAGES: Final = ("pt-BR", "en")

CATALOG: Final[dict[str, dict[str, str]]] = {
    # --- registration form: tab error markers, unsaved changes, agents-only values ---
    "ui.tab_has_errors": {"pt-BR": "(com erros)", "en": "(has errors)"},
    "ui.unsaved_confirm": {
        "pt-BR": "Há alterações não salvas nesta integração. Sair sem salvar?",
        "en": "This integration has unsaved changes. Leave without saving?",
    },
    "ui.agents_only_value": {"pt-BR": "Definido pelo suporte", "en": "Set by support"},
    # --- Tarefas tab: task actions, Executar dialog for agents, Airflow links ---
    "ui.run_unavailable_inactive": {
        "pt-BR": "Indisponível: a integração está inativa.",
        "en": "Unavailable: the integration is inactive.",
    },
    "ui.run_unavailable_tenant": {
        "pt-BR": "Indisponível: a rede desta integração está desativada.",
        "en": "Unavailable: this integration's pharmacy chain is deactivated.",
    },
    "ui.run_split": {"pt-BR": "Dividir em partes de até 31 dias", "en": "Split into parts of up to 31 days"},
    "ui.run_split_hint": {
        "pt-BR": "Períodos com mais de 31 dias viram várias tarefas, uma por parte.",
        "en": "Periods longer than 31 days become several tasks, one per part.",
    },
    "ui.run_preview": {"pt-BR": "Pré-visualizar", "en": "Preview"},
    "ui.run_preview_files": {"pt-BR": "Arquivos que seriam enviados:", "en": "Files that would be sent:"},
    "ui.run_preview_rows": {"pt-BR": "{rows} linha(s)", "en": "{rows} row(s)"},
    "ui.run_preview_first": {
        "pt-BR": "nada entregue deste período ainda",
        "en": "nothing delivered for this period yet",
    },
    "ui.run_preview_same": {
        "pt-BR": "igual ao entregue na tarefa {code}",
        "en": "identical to the one delivered by task {code}",
    },
    "ui.run_preview_differs": {
        "pt-BR": "difere do entregue na tarefa {code} ({rows} linha(s))",
        "en": "differs from the one delivered by task {code} ({rows} row(s))",
    },
    "ui.run_preview_chunks": {"pt-BR": "Tarefas que serão criadas: {n}", "en": "Tasks to be created: {n}"},
    "ui.run_preview_conflicts": {
        "pt-BR": "Em conflito com tarefas pendentes:",
        "en": "In conflict with pending tasks:",
    },
    "ui.run_preview_no_conflict": {
        "pt-BR": "Nenhum conflito com tarefas pendentes.",
        "en": "No conflict with pending tasks.",
    },
    "ui.period": {"pt-BR": "{start} a {end}", "en": "{start} to {end}"},
    "ui.pending_task": {
        "pt-BR": "Tarefa {code}: movimento de {start} a {end}, solicitada por {user}, pendente.",
        "en": "Task {code}: movements from {start} to {end}, requested by {user}, pending.",
    },
    "ui.airflow_run": {"pt-BR": "Airflow", "en": "Airflow"},
    "ui.airflow_run_label": {
        "pt-BR": "Execução da tarefa {code} no Airflow",
        "en": "Airflow run of task {code}",
    },
    "ui.airflow_log": {"pt-BR": "Log", "en": "Log"},
    "ui.airflow_log_label": {
        "pt-BR": "Log da tarefa {code} no Airflow (etapa {step})",
        "en": "Airflow log of task {code} (step {step})",
    },
    "ui.file_created": {"pt-BR": "Gerado em", "en": "Created"},
    "auth.missing": {
        "pt-BR": "Sessão não encontrada. Entre novamente no Airflow para continuar.",
        "en": "No session found. Sign in to Airflow again to continue.",
    },
    "auth.expired": {
        "pt-BR": "Sua sessão expirou. Entre novamente no Airflow para continuar.",
        "en": "Your session has expired. Sign in to Airflow again to continue.",
    },
    "auth.invalid": {
        "pt-BR": "Credencial inválida. Entre novamente no Airflow para continuar.",
        "en": "Invalid credentials. Sign in to Airflow again to continue.",
    },
    "auth.forbidden": {
        "pt-BR": "Você não tem permissão para realizar esta operação.",
        "en": "You are not allowed to perform this operation.",
    },
    "auth.csrf": {
        "pt-BR": "Requisição recusada: origem não confirmada. Recarregue a página e tente novamente.",
        "en": "Request refused: its origin could not be confirmed. Reload the page and try again.",
    },
    "http.not_found": {
        "pt-BR": "Recurso não encontrado.",
        "en": "Not found.",
    },
    "http.method_not_allowed": {
        "pt-BR": "Método não permitido para este endereço.",
        "en": "Method not allowed for this address.",
    },
    "http.validation": {
        "pt-BR": "Verifique os campos informados.",
        "en": "Check the fields you entered.",
    },
    "http.field_invalid": {
        "pt-BR": "Valor inválido.",
        "en": "Invalid value.",
    },
    "http.field_missing": {
        "pt-BR": "Campo obrigatório.",
        "en": "Required field.",
    },
    "logs.too_many_streams": {
        "pt-BR": "Você já acompanha {limit} logs ao vivo ao mesmo tempo. Feche uma das abas e tente novamente.",
        "en": "You are already following {limit} live logs at once. Close one of the tabs and try again.",
    },
    "http.too_large": {
        "pt-BR": "O corpo da requisição passa do limite de {limit} KB.",
        "en": "The request body exceeds the {limit} KB limit.",
    },
    "http.text_unsupported": {
        "pt-BR": "Contém caracteres não permitidos (caractere nulo ou Unicode inválido).",
        "en": "Contains characters that are not allowed (null character or invalid Unicode).",
    },
    "http.number_out_of_range": {
        "pt-BR": "Número fora do intervalo permitido.",
        "en": "Number out of the allowed range.",
    },
    "http.json_invalid": {"pt-BR": "JSON inválido.", "en": "Invalid JSON."},
    "http.json_too_deep": {
        "pt-BR": "JSON com níveis demais de aninhamento.",
        "en": "JSON nested too deeply.",
    },
    "http.internal": {
        "pt-BR": "Erro interno. Tente novamente em instantes; se persistir, contate o suporte.",
        "en": "Internal error. Try again shortly; if it persists, contact support.",
    },
    "http.database_unavailable": {
        "pt-BR": "O banco de dados das integrações está indisponível no momento. Tente novamente em instantes.",
        "en": "The integrations database is unavailable right now. Try again shortly.",
    },
    "http.unavailable": {
        "pt-BR": "Serviço temporariamente indisponível. Tente novamente em instantes.",
        "en": "Service temporarily unavailable. Try again shortly.",
    },
    # --- configuration values (include/connectors/config.py) ---
    "validation.required": {"pt-BR": "Informe um valor.", "en": "Enter a value."},
    "validation.text": {
        "pt-BR": "Use no máximo {max} caracteres, sem quebras de linha ou caracteres de controle.",
        "en": "Use at most {max} characters, without line breaks or control characters.",
    },
    "validation.email": {"pt-BR": "Informe um e-mail válido.", "en": "Enter a valid e-mail address."},
    "validation.emails": {
        "pt-BR": "Informe até 10 e-mails válidos, separados por ponto e vírgula.",
        "en": "Enter up to 10 valid e-mail addresses, separated by semicolons.",
    },
    "validation.url_https": {
        "pt-BR": "Informe um endereço HTTPS completo (ex.: https://api.parceiro.com.br).",
        "en": "Enter a full HTTPS address (e.g. https://api.partner.com).",
    },
    "validation.url": {"pt-BR": "Informe um endereço HTTP(S) completo.", "en": "Enter a full HTTP(S) address."},
    "validation.url_credentials": {
        "pt-BR": "Não inclua usuário ou senha no endereço: use os campos de credenciais.",
        "en": "Do not put a user or password in the address: use the credential fields.",
    },
    "validation.url_characters": {
        "pt-BR": "O endereço contém caracteres não permitidos (espaços, barra invertida, acentos fora do nome do"
        " servidor ou #).",
        "en": "The address contains characters that are not allowed (spaces, backslash, accents outside the host"
        " name or #).",
    },
    "validation.port": {
        "pt-BR": "Informe uma porta de 1 a 65535.",
        "en": "Enter a port from 1 to 65535.",
    },
    "validation.host_key": {
        "pt-BR": "Confirme a chave do servidor com Testar conexão (impressão digital SHA256:…).",
        "en": "Confirm the server key with Test connection (fingerprint SHA256:…).",
    },
    "validation.host": {
        "pt-BR": "Informe um nome de servidor ou endereço IP válido (ex.: sftp.parceiro.com.br).",
        "en": "Enter a valid host name or IP address (e.g. sftp.partner.com).",
    },
    "validation.int_range": {
        "pt-BR": "Informe um número inteiro entre {min} e {max}.",
        "en": "Enter a whole number between {min} and {max}.",
    },
    "validation.enum": {"pt-BR": "Escolha um destes valores: {values}.", "en": "Choose one of: {values}."},
    "validation.username": {
        "pt-BR": "Use de 1 a 64 letras, números, ponto, hífen, sublinhado ou @.",
        "en": "Use 1 to 64 letters, digits, dot, hyphen, underscore or @.",
    },
    "validation.remote_dir": {
        "pt-BR": "Informe um diretório começando com / (ex.: /entrada).",
        "en": "Enter a folder starting with / (e.g. /inbox).",
    },
    "validation.s3_bucket": {
        "pt-BR": "Nome de bucket inválido: 3 a 63 letras minúsculas, números, ponto ou hífen.",
        "en": "Invalid bucket name: 3 to 63 lowercase letters, digits, dots or hyphens.",
    },
    "validation.s3_prefix": {
        "pt-BR": "Prefixo inválido: use letras, números e / - _ . ! * ' ( ).",
        "en": "Invalid prefix: use letters, digits and / - _ . ! * ' ( ).",
    },
    "validation.aws_access_key": {
        "pt-BR": "Access key ID inválida: 16 a 128 letras maiúsculas ou números.",
        "en": "Invalid access key ID: 16 to 128 uppercase letters or digits.",
    },
    "validation.digits": {"pt-BR": "Use apenas números (até 10 dígitos).", "en": "Digits only (up to 10)."},
    "validation.digits6": {"pt-BR": "Informe exatamente 6 dígitos.", "en": "Enter exactly 6 digits."},
    "validation.code_upper": {
        "pt-BR": "Use de 2 a 12 letras maiúsculas ou números.",
        "en": "Use 2 to 12 uppercase letters or digits.",
    },
    "validation.code": {
        "pt-BR": "Use de 1 a 20 letras, números ou hífen.",
        "en": "Use 1 to 20 letters, digits or hyphens.",
    },
    "validation.api_key": {
        "pt-BR": "Valor inválido: use letras, números, ponto, hífen ou sublinhado.",
        "en": "Invalid value: use letters, digits, dots, hyphens or underscores.",
    },
    "validation.crf": {
        "pt-BR": "Informe o CRF com a UF (ex.: SP-12345).",
        "en": "Enter the CRF with its state (e.g. SP-12345).",
    },
    # --- integration registration (include/integracoes/integrations.py) ---
    "integration.description_required": {"pt-BR": "Informe a descrição.", "en": "Enter a description."},
    "integration.description_characters": {
        "pt-BR": "A descrição contém caracteres invisíveis ou de controle (quebras de linha, espaços de largura"
        " zero, inversão de direção). Digite-a novamente.",
        "en": "The description contains invisible or control characters (line breaks, zero-width spaces, direction"
        " overrides). Type it again.",
    },
    "integration.description_too_long": {
        "pt-BR": "A descrição deve ter no máximo {max} caracteres.",
        "en": "The description must have at most {max} characters.",
    },
    "integration.description_taken": {
        "pt-BR": "Já existe uma integração com esta descrição para este cliente.",
        "en": "This customer already has an integration with this description.",
    },
    "integration.tenant_required": {"pt-BR": "Selecione o cliente.", "en": "Select the customer."},
    "integration.tenant_unknown": {"pt-BR": "Cliente não encontrado.", "en": "Customer not found."},
    "integration.tenant_immutable": {
        "pt-BR": "O cliente de uma integração não pode ser alterado.",
        "en": "The customer of an integration cannot be changed.",
    },
    "integration.type_required": {"pt-BR": "Selecione o tipo de integração.", "en": "Select the integration type."},
    "integration.type_unknown": {"pt-BR": "Tipo de integração desconhecido.", "en": "Unknown integration type."},
    "integration.type_not_contracted": {
        "pt-BR": "O cliente não contratou o serviço {type}.",
        "en": "The customer has not contracted {type}.",
    },
    "integration.type_unavailable": {
        "pt-BR": "O tipo {type} ainda não está disponível para execução e não pode ser cadastrado ou ativado.",
        "en": "The type {type} is not available to run yet and cannot be registered or activated.",
    },
    "integration.unavailable_notice": {
        "pt-BR": "Integração pausada: o tipo {type} ainda não está disponível para execução.",
        "en": "Integration paused: the type {type} is not available to run yet.",
    },
    "validation.partner_host": {
        "pt-BR": "Informe um endereço do parceiro ({domains}).",
        "en": "Enter one of the partner's addresses ({domains}).",
    },
    "integration.type_immutable": {
        "pt-BR": "O tipo de uma integração não pode ser alterado; cadastre uma nova integração.",
        "en": "The type of an integration cannot be changed; register a new integration.",
    },
    "integration.interval_invalid": {
        "pt-BR": "Informe um número inteiro de minutos entre 1 e {max}.",
        "en": "Enter a whole number of minutes between 1 and {max}.",
    },
    "integration.active_invalid": {"pt-BR": "Escolha Ativa ou Inativa.", "en": "Choose Active or Inactive."},
    "integration.send_from_incremental": {
        "pt-BR": "Só integrações incrementais têm data de início de envio; este tipo envia por dia.",
        "en": "Only incremental integrations have a start date; this type sends by day.",
    },
    "integration.send_from_invalid": {
        "pt-BR": "Informe uma data válida (dia/mês/ano).",
        "en": "Enter a valid date (day/month/year).",
    },
    "integration.send_from_range": {
        "pt-BR": "A data de início do envio deve estar entre {min} e {max}.",
        "en": "The start date must be between {min} and {max}.",
    },
    "integration.branches_required": {"pt-BR": "Selecione ao menos uma filial.", "en": "Select at least one branch."},
    "integration.branches_foreign": {
        "pt-BR": "Selecione apenas filiais do cliente da integração.",
        "en": "Select only branches of the integration's customer.",
    },
    "integration.config_unknown_key": {
        "pt-BR": "Chave desconhecida para este tipo de integração.",
        "en": "Unknown key for this integration type.",
    },
    "integration.config_duplicate_key": {"pt-BR": "Chave informada mais de uma vez.", "en": "Key given twice."},
    "integration.not_found": {"pt-BR": "Integração não encontrada.", "en": "Integration not found."},
    "integration.invalid": {
        "pt-BR": "Não foi possível salvar: verifique os campos destacados.",
        "en": "Could not save: check the highlighted fields.",
    },
    "integration.created": {"pt-BR": "Integração cadastrada com sucesso.", "en": "Integration registered."},
    "integration.updated": {"pt-BR": "Integração salva com sucesso.", "en": "Integration saved."},
    "paging.invalid_page": {"pt-BR": "Página inválida.", "en": "Invalid page."},
    "paging.invalid_page_size": {
        "pt-BR": "Tamanho de página inválido: use 10, 25, 50 ou 100.",
        "en": "Invalid page size: use 10, 25, 50 or 100.",
    },
    # Type errors of JSON fields (the request did not even have the right shape).
    "field.tenant_id": {"pt-BR": "Selecione o cliente.", "en": "Select the customer."},
    "field.interval_minutes": {
        "pt-BR": "Informe um número inteiro de minutos entre 1 e 43200.",
        "en": "Enter a whole number of minutes between 1 and 43200.",
    },
    "field.active": {"pt-BR": "Escolha Ativa ou Inativa.", "en": "Choose Active or Inactive."},
    "field.branches": {"pt-BR": "Selecione filiais válidas.", "en": "Select valid branches."},
    "field.description": {"pt-BR": "Informe a descrição.", "en": "Enter a description."},
    "field.type_code": {"pt-BR": "Selecione o tipo de integração.", "en": "Select the integration type."},
    "field.config": {
        "pt-BR": "Configuração inválida: informe pares chave/valor de texto.",
        "en": "Invalid configuration: give text key/value pairs.",
    },
    "field.page": {"pt-BR": "Página inválida.", "en": "Invalid page."},
    "field.page_size": {
        "pt-BR": "Tamanho de página inválido: use 10, 25, 50 ou 100.",
        "en": "Invalid page size: use 10, 25, 50 or 100.",
    },
    "field.tenant": {"pt-BR": "Cliente inválido.", "en": "Invalid customer."},
    "branches.tenant_not_found": {"pt-BR": "Cliente não encontrado.", "en": "Customer not found."},
    # --- tasks (include/integracoes/tasks.py) ---
    "task.status.pending": {"pt-BR": "Pendente", "en": "Pending"},
    "task.status.sent": {"pt-BR": "Enviada", "en": "Sent"},
    "task.status.completed": {"pt-BR": "Concluída", "en": "Completed"},
    "task.status.failed": {"pt-BR": "Falha no envio", "en": "Delivery failed"},
    "task.failure.partner_unavailable": {
        "pt-BR": "Parceiro indisponível (HTTP {status}) após {attempts} tentativas",
        "en": "Partner unavailable (HTTP {status}) after {attempts} attempts",
    },
    "task.failure.credentials_refused": {
        "pt-BR": "O parceiro recusou as credenciais configuradas. Peça ao suporte para conferi-las.",
        "en": "The partner refused the configured credentials. Ask support to check them.",
    },
    "task.failure.partner_rejected": {
        "pt-BR": "O parceiro rejeitou o arquivo: {detail}",
        "en": "The partner rejected the file: {detail}",
    },
    "task.failure.data_check_failed": {
        "pt-BR": "Conferência dos dados falhou: {detail}",
        "en": "Data check failed: {detail}",
    },
    "task.failure.timeout": {
        "pt-BR": "O parceiro não respondeu a tempo após {attempts} tentativas",
        "en": "The partner did not answer in time after {attempts} attempts",
    },
    "task.failure.internal_error": {
        "pt-BR": "Erro interno no processamento. O suporte foi avisado; você pode reprocessar a tarefa.",
        "en": "Internal processing error. Support was notified; you can reprocess the task.",
    },
    "task.failure.integration_inactive": {
        "pt-BR": "A integração foi desativada antes de esta tarefa ser processada. Reative-a e reprocesse a tarefa.",
        "en": "The integration was deactivated before this task was processed. Reactivate it and reprocess the task.",
    },
    "task.failure.run_lost": {
        "pt-BR": "O processamento foi interrompido antes de terminar. Reprocesse a tarefa.",
        "en": "Processing stopped before it finished. Reprocess the task.",
    },
    "task.failure.trigger_failed": {
        "pt-BR": "Não foi possível iniciar o processamento. Tente novamente em instantes.",
        "en": "Processing could not be started. Try again shortly.",
    },
    "task.failure.layout_mismatch": {
        "pt-BR": "Os dados não se encaixam no layout do parceiro ({detail}). O suporte precisa corrigir o cadastro"
        " ou os dados; reprocessar sem correção não resolve.",
        "en": "The data does not fit the partner's layout ({detail}). Support must fix the registration or the"
        " data; reprocessing alone will not help.",
    },
    "task.failure.connector_unavailable": {
        "pt-BR": "O tipo de integração {type} ainda não está disponível para execução. Fale com o suporte.",
        "en": "The integration type {type} is not available to run yet. Contact support.",
    },
    "task.failure.run_failed": {
        "pt-BR": "O processamento falhou antes de concluir ({step}). O suporte foi avisado; você pode reprocessar"
        " a tarefa.",
        "en": "Processing failed before it finished ({step}). Support was notified; you can reprocess the task.",
    },
    "task.failure.run_timeout": {
        "pt-BR": "O processamento excedeu o tempo máximo ({step}). Você pode reprocessar a tarefa.",
        "en": "Processing exceeded its time limit ({step}). You can reprocess the task.",
    },
    "task.failure.received_refused": {
        "pt-BR": "Arquivo {name} recebido do parceiro recusado, nada foi aplicado: {detail}. O parceiro precisa"
        " corrigi-lo; o arquivo continua disponível para conferência.",
        "en": "File {name} received from the partner was refused, nothing was applied: {detail}. The partner must"
        " correct it; the file remains available for review.",
    },
    "task.failure.host_key_unconfirmed": {
        "pt-BR": "A chave do servidor SFTP do parceiro ainda não foi confirmada; nada foi enviado. O suporte precisa"
        " confirmá-la em Testar conexão.",
        "en": "The partner's SFTP server key has not been confirmed yet; nothing was sent. Support must confirm it"
        " with Test connection.",
    },
    "task.failure.host_key_changed": {
        "pt-BR": "A chave do servidor SFTP do parceiro mudou e nada foi enviado: {detail}. O suporte foi avisado.",
        "en": "The partner's SFTP server key changed and nothing was sent: {detail}. Support was notified.",
    },
    "task.invalid_transition": {
        "pt-BR": "A tarefa está {current} e não pode passar para {target}.",
        "en": "The task is {current} and cannot become {target}.",
    },
    "task.invalid_status": {
        "pt-BR": "Situação inválida: use pending, sent, completed ou failed.",
        "en": "Invalid status: use pending, sent, completed or failed.",
    },
    "task.not_claimable": {
        "pt-BR": "A tarefa {code} não está pendente para esta integração.",
        "en": "Task {code} is not pending for this integration.",
    },
    "task.not_found": {"pt-BR": "Tarefa não encontrada.", "en": "Task not found."},
    "file.not_found": {"pt-BR": "Arquivo não encontrado.", "en": "File not found."},
    "file.expired": {
        "pt-BR": "Arquivo expirado: os arquivos são guardados por {days} dias.",
        "en": "File expired: files are kept for {days} days.",
    },
    # --- Testar conexão (include/integracoes/connection_check.py) ---
    "check.ok": {
        "pt-BR": "Conexão bem-sucedida: o parceiro {type} aceitou as credenciais.",
        "en": "Connection succeeded: the partner {type} accepted the credentials.",
    },
    "check.credentials": {
        "pt-BR": "O parceiro recusou as credenciais informadas. Confira usuário, senha, token ou chaves.",
        "en": "The partner refused the credentials. Check user, password, token or keys.",
    },
    "check.timeout": {
        "pt-BR": "O parceiro não respondeu a tempo. Confira o endereço e tente novamente.",
        "en": "The partner did not answer in time. Check the address and try again.",
    },
    "check.rejected": {"pt-BR": "O parceiro recusou a conexão: {detail}", "en": "The partner refused: {detail}"},
    "check.unreachable": {
        "pt-BR": "Não foi possível falar com o parceiro. Confira o endereço e a porta.",
        "en": "Could not reach the partner. Check the address and the port.",
    },
    "check.certificate": {
        "pt-BR": "O certificado do servidor do parceiro não foi aceito. Confira se o endereço é o do parceiro.",
        "en": "The partner server's certificate was not accepted. Check that the address is the partner's.",
    },
    "check.partner_error": {
        "pt-BR": "O parceiro respondeu com erro (HTTP {status}). Tente novamente mais tarde.",
        "en": "The partner answered with an error (HTTP {status}). Try again later.",
    },
    "check.host_key_new": {
        "pt-BR": "O servidor SFTP apresentou a chave {kind} {fingerprint}. Confira-a com o parceiro e confirme-a"
        " para salvar; nenhuma credencial foi enviada.",
        "en": "The SFTP server offered the {kind} key {fingerprint}. Check it with the partner and confirm it to"
        " save; no credential was sent.",
    },
    "check.host_key_changed": {
        "pt-BR": "A chave do servidor SFTP mudou: confirmada {expected}, apresentada {kind} {fingerprint}. Nenhuma"
        " credencial foi enviada. Confirme a nova chave com o parceiro antes de aceitá-la.",
        "en": "The SFTP server's key changed: confirmed {expected}, offered {kind} {fingerprint}. No credential was"
        " sent. Confirm the new key with the partner before accepting it.",
    },
    "ui.check_connection": {"pt-BR": "Testar conexão", "en": "Test connection"},
    "ui.confirm_host_key": {"pt-BR": "Confirmar esta chave", "en": "Confirm this key"},
    "ui.host_key_confirmed": {
        "pt-BR": "Chave confirmada. Salve para gravá-la; Testar conexão agora também confere as credenciais.",
        "en": "Key confirmed. Save to keep it; Test connection now also checks the credentials.",
    },
    "ui.checking_connection": {"pt-BR": "Testando conexão…", "en": "Testing connection…"},
    # --- integration log lines (written in pt-BR, the product's language) ---
    "log.nothing_to_send": {
        "pt-BR": "Nenhum período pendente de envio nesta execução.",
        "en": "No pending period to send in this run.",
    },
    "log.task_opened": {
        "pt-BR": "Tarefa {code} aberta: movimento de {start} a {end}.",
        "en": "Task {code} opened: movements from {start} to {end}.",
    },
    "log.extracted": {
        "pt-BR": "Extraídos {rows} itens de venda de {branches} filial(is).",
        "en": "Extracted {rows} sale items from {branches} branch(es).",
    },
    "log.file_generated": {"pt-BR": "Arquivo {name} gerado ({size}).", "en": "File {name} generated ({size})."},
    "log.delivered": {
        "pt-BR": "Arquivo {name} enviado ao parceiro: protocolo {protocol}.",
        "en": "File {name} delivered to the partner: receipt {protocol}.",
    },
    "log.already_delivered": {
        "pt-BR": "Arquivo {name} idêntico ao já entregue para este período; não foi reenviado.",
        "en": "File {name} is identical to the one already delivered for this period; not sent again.",
    },
    "log.orphan_ended": {
        "pt-BR": "Tarefa {code} interrompida em uma execução anterior; marcada como falha para novo envio.",
        "en": "Task {code} was interrupted in an earlier run; marked failed so it can be sent again.",
    },
    "log.correction_opened": {
        "pt-BR": "Há movimento de {day} registrado depois do envio desse dia (vendas sincronizadas com atraso ou"
        " canceladas): a tarefa de correção {code} reenvia o dia completo, substituindo o arquivo anterior.",
        "en": "Movements of {day} were recorded after that day was sent (sales synced late or cancelled):"
        " correction task {code} sends the whole day again, replacing the earlier file.",
    },
    "log.nothing_new": {
        "pt-BR": "Nada novo a enviar desde o último envio.",
        "en": "Nothing new to send since the last delivery.",
    },
    "log.exported": {
        "pt-BR": "Arquivo {name} gerado: {rows} linha(s), {size}.",
        "en": "File {name} generated: {rows} row(s), {size}.",
    },
    "log.received": {
        "pt-BR": "Arquivo {name} recebido do parceiro ({size}).",
        "en": "File {name} received from the partner ({size}).",
    },
    "log.received_applied": {
        "pt-BR": "Arquivo {name} aplicado: {records} registro(s) de {what}, {changes} alteração(ões) nos dados.",
        "en": "File {name} applied: {records} record(s) of {what}, {changes} change(s) to the data.",
    },
    "log.received_already_applied": {
        "pt-BR": "Arquivo {name} já aplicado anteriormente; nada foi alterado.",
        "en": "File {name} was already applied; nothing changed.",
    },
    "log.received_acknowledged": {
        "pt-BR": "Recebimento do arquivo {name} confirmado ao parceiro.",
        "en": "Receipt of file {name} confirmed to the partner.",
    },
    "log.received_refused": {
        "pt-BR": "Arquivo {name} recusado: {detail}",
        "en": "File {name} refused: {detail}",
    },
    "log.nothing_received": {
        "pt-BR": "Nenhum arquivo novo do parceiro.",
        "en": "No new file from the partner.",
    },
    # --- price-change screen (include/integracoes/pricing.py) ---
    "pricing.not_available": {
        "pt-BR": "Esta integração não recebe sugestões de preço.",
        "en": "This integration does not receive price suggestions.",
    },
    "period.order": {
        "pt-BR": "A data final deve ser igual ou posterior à inicial.",
        "en": "The end date must be on or after the start date.",
    },
    "period.too_long": {
        "pt-BR": "O período pode ter no máximo {days} dias.",
        "en": "The period may have at most {days} days.",
    },
    "pricing.zone_unknown": {
        "pt-BR": "Escolha uma zona de preço das filiais desta integração.",
        "en": "Choose a price zone of this integration's branches.",
    },
    "pricing.min_difference": {
        "pt-BR": "A diferença mínima não pode ser negativa.",
        "en": "The minimum difference cannot be negative.",
    },
    "pricing.unknown_suggestions": {
        "pt-BR": "Selecione sugestões exibidas com os filtros atuais ({count} não encontrada(s)).",
        "en": "Select suggestions shown with the current filters ({count} not found).",
    },
    "pricing.applied": {
        "pt-BR": "Preços atualizados: {applied} alterado(s), {unchanged} sem mudança.",
        "en": "Prices updated: {applied} changed, {unchanged} unchanged.",
    },
    "pricing.applied_with_stale": {
        "pt-BR": "Preços atualizados: {applied} alterado(s), {unchanged} sem mudança. {stale} sugestão(ões) não"
        " aplicada(s): o preço da zona mudou depois que a sugestão chegou. Revise-as e aplique novamente"
        ' marcando "Aplicar também as desatualizadas".',
        "en": "Prices updated: {applied} changed, {unchanged} unchanged. {stale} suggestion(s) not applied: the"
        " zone's price changed after the suggestion arrived. Review them and apply again with \"Also apply"
        ' outdated ones".',
    },
    # --- sales reconciliation (include/integracoes/reconciliation.py) ---
    "reconciliation.not_available": {
        "pt-BR": "Esta integração não faz conciliação de vendas.",
        "en": "This integration does not reconcile sales.",
    },
    "reconciliation.branch_unknown": {
        "pt-BR": "Escolha uma filial desta integração.",
        "en": "Choose a branch of this integration.",
    },
    "reconciliation.status.conciliada": {"pt-BR": "Conciliada", "en": "Reconciled"},
    "reconciliation.status.divergente": {"pt-BR": "Divergente", "en": "Divergent"},
    "reconciliation.status.nao_encontrada": {"pt-BR": "Não encontrada", "en": "Not found"},
    "reconciliation.status.aguardando": {"pt-BR": "Aguardando retorno", "en": "Awaiting answer"},
    # --- health and alerts (include/integracoes/health.py, alerts.py) ---
    "health.healthy": {"pt-BR": "Saudável", "en": "Healthy"},
    "health.failing": {"pt-BR": "Com falha", "en": "Failing"},
    "health.late": {"pt-BR": "Atrasada", "en": "Late"},
    "health.never_ran": {"pt-BR": "Nunca executou", "en": "Never ran"},
    "health.inactive": {"pt-BR": "Inativa", "en": "Inactive"},
    "alert.falhas.subject": {
        "pt-BR": "Alerta: {integration} ({tenant}) falhou {count} vezes seguidas",
        "en": "Alert: {integration} ({tenant}) failed {count} times in a row",
    },
    "alert.falhas.body": {
        "pt-BR": "A integração {integration} do cliente {tenant} falhou {count} vezes seguidas.\n\n"
        "Último motivo: {reason}\n\nVocê receberá outro aviso quando ela voltar a entregar.",
        "en": "Integration {integration} of {tenant} failed {count} times in a row.\n\nLast reason: {reason}\n\n"
        "You will get another notice when it delivers again.",
    },
    "alert.atraso.subject": {
        "pt-BR": "Alerta: {integration} ({tenant}) está sem entregas desde {since}",
        "en": "Alert: {integration} ({tenant}) has not delivered since {since}",
    },
    "alert.atraso.body": {
        "pt-BR": "A integração {integration} do cliente {tenant} não entrega desde {since}, mais do que o esperado"
        " para a sua agenda.\n\nVocê receberá outro aviso quando ela voltar a entregar.",
        "en": "Integration {integration} of {tenant} has not delivered since {since}, longer than its schedule"
        " allows.\n\nYou will get another notice when it delivers again.",
    },
    "alert.chave_sftp.subject": {
        "pt-BR": "Alerta de segurança: a chave do servidor SFTP de {integration} ({tenant}) mudou",
        "en": "Security alert: the SFTP server key of {integration} ({tenant}) changed",
    },
    "alert.chave_sftp.body": {
        "pt-BR": "O servidor SFTP da integração {integration} do cliente {tenant} apresentou uma chave diferente da"
        " confirmada, e nada foi enviado a ele.\n\nMotivo: {reason}\n\nPode ser uma troca de chave do parceiro ou"
        " alguém no caminho da conexão. Confirme com o parceiro, por outro canal, a impressão digital da nova chave"
        " antes de aceitá-la em Testar conexão.",
        "en": "The SFTP server of integration {integration} of {tenant} offered a key other than the confirmed one, and"
        " nothing was sent to it.\n\nReason: {reason}\n\nIt may be a key change at the partner or someone on the"
        " connection's path. Confirm the new key's fingerprint with the partner, through another channel, before"
        " accepting it with Test connection.",
    },
    "alert.incompleto.subject": {
        "pt-BR": "Alerta: o dia {day} de {integration} ({tenant}) ficou incompleto",
        "en": "Alert: day {day} of {integration} ({tenant}) is no longer complete",
    },
    "alert.incompleto.body": {
        "pt-BR": "O parceiro da integração {integration} do cliente {tenant} recebeu o dia {day} com {sent} linha(s),"
        " mas {missing} registro(s) desse dia chegaram ao ERP (ou mudaram) depois do envio.\n\nA integração está"
        " inativa: nenhuma correção automática vai acontecer. Para que o parceiro receba o dia completo, reative-a"
        " ou reenvie o período em Executar.",
        "en": "The partner of integration {integration} of {tenant} received day {day} with {sent} row(s), but"
        " {missing} record(s) of that day reached the ERP (or changed) after it was sent.\n\nThe integration is"
        " inactive: no automatic correction will happen. For the partner to hold the whole day, switch it on again"
        " or re-send the period with Run.",
    },
    "completeness.completo": {"pt-BR": "Completo", "en": "Complete"},
    "completeness.corrigido": {"pt-BR": "Corrigido", "en": "Corrected"},
    "completeness.faltando": {"pt-BR": "Faltando {count}", "en": "Missing {count}"},
    "alert.normalizado.subject": {
        "pt-BR": "Normalizada: {integration} ({tenant}) voltou a entregar",
        "en": "Back to normal: {integration} ({tenant}) delivers again",
    },
    "alert.normalizado.body": {
        "pt-BR": "A integração {integration} do cliente {tenant} voltou a entregar em {at}.",
        "en": "Integration {integration} of {tenant} delivered again on {at}.",
    },
    # --- notification e-mails (include/integracoes/notifications.py) ---
    "notification.reconciliation.subject": {
        "pt-BR": "Conciliação de vendas {day} — {integration}: {divergent} divergente(s), {not_found} não"
        " encontrada(s)",
        "en": "Sales reconciliation {day} — {integration}: {divergent} divergent, {not_found} not found",
    },
    "notification.reconciliation.body": {
        "pt-BR": "Resultado da conciliação das vendas com cartão de {day} ({integration}):\n\n"
        "Vendas enviadas: {sent}\nConciliadas: {reconciled}\nDivergentes: {divergent}\n"
        "Não encontradas: {not_found}\nFalhas nas últimas 24 horas: {failures}\n\n"
        "Os detalhes estão na página Conciliação de vendas da integração.",
        "en": "Result of the card-sales reconciliation of {day} ({integration}):\n\n"
        "Sales sent: {sent}\nReconciled: {reconciled}\nDivergent: {divergent}\nNot found: {not_found}\n"
        "Failures in the last 24 hours: {failures}\n\nDetails are on the integration's Sales reconciliation page.",
    },
    "notification.task_failed.subject": {
        "pt-BR": "Falha no envio — {integration}, tarefa {code}",
        "en": "Delivery failed — {integration}, task {code}",
    },
    "notification.task_failed.body": {
        "pt-BR": "A tarefa {code} da integração {integration} terminou em Falha no envio.\n\nMotivo: {reason}\n\n"
        "Você pode acompanhar e reprocessar a tarefa na aba Tarefas da integração.",
        "en": "Task {code} of integration {integration} ended in Delivery failed.\n\nReason: {reason}\n\n"
        "You can follow and reprocess the task on the integration's Tasks tab.",
    },
    "log.notification_sent": {
        "pt-BR": "Aviso por e-mail enviado a {count} destinatário(s): {subject}",
        "en": "E-mail notice sent to {count} recipient(s): {subject}",
    },
    "log.notification_failed": {
        "pt-BR": "Não foi possível enviar o aviso por e-mail: {subject}",
        "en": "The e-mail notice could not be sent: {subject}",
    },
    "file.direction.sent": {"pt-BR": "Enviado", "en": "Sent"},
    "file.direction.received": {"pt-BR": "Recebido", "en": "Received"},
    "log.task_completed": {"pt-BR": "Tarefa {code} concluída.", "en": "Task {code} completed."},
    "log.task_failed": {
        "pt-BR": "Tarefa {code}: falha no envio. {reason}",
        "en": "Task {code}: delivery failed. {reason}",
    },
    # --- manual runs and reprocessing (include/integracoes/manual_runs.py) ---
    "manual.invalid": {
        "pt-BR": "Verifique o período informado.",
        "en": "Check the period you entered.",
    },
    "manual.date_required": {"pt-BR": "Informe a data.", "en": "Enter the date."},
    "manual.date_invalid": {
        "pt-BR": "Data inválida: use o formato AAAA-MM-DD.",
        "en": "Invalid date: use the YYYY-MM-DD format.",
    },
    "manual.date_too_old": {
        "pt-BR": "A data não pode ser anterior a {first}.",
        "en": "The date cannot be before {first}.",
    },
    "manual.date_future": {
        "pt-BR": "A data não pode ser posterior a hoje.",
        "en": "The date cannot be after today.",
    },
    "manual.period_reversed": {
        "pt-BR": "A data final deve ser igual ou posterior à data inicial.",
        "en": "The end date must be on or after the start date.",
    },
    "manual.period_too_long": {
        "pt-BR": "O período pode ter no máximo {max} dias (incluindo as duas datas).",
        "en": "The period can have at most {max} days (both dates included).",
    },
    "manual.inactive": {
        "pt-BR": "A integração está inativa: ative-a antes de solicitar o processamento.",
        "en": "The integration is inactive: activate it before requesting processing.",
    },
    "ui.language": {"pt-BR": "Idioma", "en": "Language"},
    "ui.logout": {"pt-BR": "Sair", "en": "Log out"},
    "catalog.window_daily": {"pt-BR": "diária D-{days}", "en": "daily D-{days}"},
    "catalog.window_incremental": {"pt-BR": "incremental", "en": "incremental"},
    "catalog.window_own": {"pt-BR": "agenda própria: {description}", "en": "own timetable: {description}"},
    "ui.page_not_found": {"pt-BR": "Página não encontrada.", "en": "Page not found."},
    "ui.language_browser": {"pt-BR": "Automático (idioma do Airflow)", "en": "Automatic (Airflow's language)"},
    "manual.tenant_inactive": {
        "pt-BR": "A rede desta integração está desativada: reative-a antes de solicitar o processamento.",
        "en": "This integration's pharmacy chain is deactivated: reactivate it before requesting processing.",
    },
    "tenant.not_found": {
        "pt-BR": "Rede não encontrada.",
        "en": "Pharmacy chain not found.",
    },
    "tenant.invalid": {
        "pt-BR": "Não foi possível salvar a rede: corrija os campos indicados.",
        "en": "The pharmacy chain could not be saved: fix the fields shown.",
    },
    "tenant.name_required": {
        "pt-BR": "Informe o nome (até 120 caracteres visíveis).",
        "en": "Enter the name (up to 120 visible characters).",
    },
    "tenant.city_required": {
        "pt-BR": "Informe a cidade.",
        "en": "Enter the city.",
    },
    "tenant.state_invalid": {
        "pt-BR": "Informe a UF (sigla de um estado, como SP).",
        "en": "Enter the state (a Brazilian state code, such as SP).",
    },
    "tenant.cnpj_invalid": {
        "pt-BR": "CNPJ inválido: confira os 14 dígitos e os dígitos verificadores.",
        "en": "Invalid CNPJ: check its 14 digits and check digits.",
    },
    "tenant.cnpj_taken": {
        "pt-BR": "Este CNPJ já está cadastrado.",
        "en": "This CNPJ is already registered.",
    },
    "tenant.cnpj_repeated": {
        "pt-BR": "CNPJ repetido em outra filial desta lista.",
        "en": "CNPJ repeated in another branch of this list.",
    },
    "tenant.branch_code_invalid": {
        "pt-BR": "Informe o código da filial (1 a 99999).",
        "en": "Enter the branch code (1 to 99999).",
    },
    "tenant.branch_code_repeated": {
        "pt-BR": "O código {code} já é de outra filial desta rede.",
        "en": "Code {code} already belongs to another branch of this chain.",
    },
    "tenant.branch_unknown": {
        "pt-BR": "Filial desconhecida nesta rede.",
        "en": "Unknown branch in this chain.",
    },
    "tenant.branch_removed": {
        "pt-BR": "Filiais não podem ser removidas (têm vendas e integrações): mantenha todas na lista.",
        "en": "Branches cannot be removed (they have sales and integrations): keep all of them in the list.",
    },
    "tenant.too_many_branches": {
        "pt-BR": "No máximo {max} filiais por rede.",
        "en": "At most {max} branches per chain.",
    },
    "tenant.service_unknown": {
        "pt-BR": "Serviço desconhecido: {codes}.",
        "en": "Unknown service: {codes}.",
    },
    "tenant.service_in_use": {
        "pt-BR": "Não é possível remover {types}: há integrações ativas deste serviço. Desative-as primeiro.",
        "en": "{types} cannot be removed: there are active integrations of it. Deactivate them first.",
    },
    "user.not_found": {
        "pt-BR": "Usuário não encontrado.",
        "en": "User not found.",
    },
    "user.invalid": {
        "pt-BR": "Não foi possível salvar o usuário: corrija os campos indicados.",
        "en": "The user could not be saved: fix the fields shown.",
    },
    "user.username_required": {
        "pt-BR": "Informe o usuário.",
        "en": "Enter the username.",
    },
    "user.username_invalid": {
        "pt-BR": "Usuário: de 3 a 64 letras minúsculas sem acento, dígitos, ponto, hífen ou sublinhado.",
        "en": "Username: 3 to 64 lower-case letters, digits, dot, hyphen or underscore.",
    },
    "user.username_taken": {
        "pt-BR": "Este usuário já existe.",
        "en": "This username already exists.",
    },
    "user.username_immutable": {
        "pt-BR": "O usuário não pode ser alterado.",
        "en": "The username cannot be changed.",
    },
    "user.name_required": {
        "pt-BR": "Informe o nome (até 120 caracteres visíveis).",
        "en": "Enter the name (up to 120 visible characters).",
    },
    "user.name_invalid": {
        "pt-BR": "Nome inválido: até 120 caracteres visíveis.",
        "en": "Invalid name: up to 120 visible characters.",
    },
    "user.email_invalid": {
        "pt-BR": "Informe um e-mail válido.",
        "en": "Enter a valid e-mail address.",
    },
    "user.email_taken": {
        "pt-BR": "Este e-mail já é usado por outro usuário.",
        "en": "This e-mail address is already used by another user.",
    },
    "user.password_rule": {
        "pt-BR": (
            "A senha precisa de ao menos 10 caracteres, com 2 letras maiúsculas, 3 minúsculas, 2 dígitos e 1 símbolo."
        ),
        "en": (
            "The password needs at least 10 characters, with 2 upper-case letters, 3 lower-case letters, 2 digits"
            " and 1 symbol."
        ),
    },
    "user.role_immutable": {
        "pt-BR": "O perfil não pode ser alterado: crie outro usuário.",
        "en": "The role cannot be changed: create another user.",
    },
    "user.tenants_required": {
        "pt-BR": "Um cliente precisa de ao menos uma rede.",
        "en": "A client needs at least one pharmacy chain.",
    },
    "user.tenants_repeated": {
        "pt-BR": "Rede repetida.",
        "en": "Repeated pharmacy chain.",
    },
    "user.tenant_unknown": {
        "pt-BR": "Rede desconhecida.",
        "en": "Unknown pharmacy chain.",
    },
    "user.cannot_deactivate_self": {
        "pt-BR": "Você não pode desativar o seu próprio usuário.",
        "en": "You cannot deactivate your own user.",
    },
    "user.language_invalid": {
        "pt-BR": "Idioma inválido: use pt-BR ou en.",
        "en": "Invalid language: use pt-BR or en.",
    },
    "user.directory_failed": {
        "pt-BR": "O cadastro de usuários do Airflow recusou a operação. Tente novamente.",
        "en": "Airflow's user store refused the operation. Try again.",
    },
    "audit.invalid_date": {
        "pt-BR": "Data inválida (entre 01/01/2000 e 31/12/2099).",
        "en": "Invalid date (between 2000-01-01 and 2099-12-31).",
    },
    "audit.reversed_period": {
        "pt-BR": "A data final deve ser igual ou posterior à inicial.",
        "en": "The end date must be on or after the start date.",
    },
    "billing.invalid_month": {
        "pt-BR": "Mês inválido: use AAAA-MM.",
        "en": "Invalid month: use YYYY-MM.",
    },
    "audit.entity.integracao": {
        "pt-BR": "Integração",
        "en": "Integration",
    },
    "audit.entity.tenant": {
        "pt-BR": "Rede",
        "en": "Pharmacy chain",
    },
    "audit.entity.usuario": {
        "pt-BR": "Usuário",
        "en": "User",
    },
    "audit.entity.tarefa": {
        "pt-BR": "Tarefa",
        "en": "Task",
    },
    "audit.entity.erp.preco": {
        "pt-BR": "Preço",
        "en": "Price",
    },
    "audit.entity.erp.estoque": {
        "pt-BR": "Estoque",
        "en": "Stock",
    },
    "audit.entity.erp.produto": {
        "pt-BR": "Produto",
        "en": "Product",
    },
    "audit.action.integracao.cadastrada": {
        "pt-BR": "Integração cadastrada",
        "en": "Integration registered",
    },
    "audit.action.integracao.alterada": {
        "pt-BR": "Integração alterada",
        "en": "Integration changed",
    },
    "audit.action.create": {
        "pt-BR": "Integração cadastrada",
        "en": "Integration registered",
    },
    "audit.action.update": {
        "pt-BR": "Integração alterada",
        "en": "Integration changed",
    },
    "audit.action.rede.cadastrada": {
        "pt-BR": "Rede cadastrada",
        "en": "Chain registered",
    },
    "audit.action.rede.alterada": {
        "pt-BR": "Rede alterada",
        "en": "Chain changed",
    },
    "audit.action.rede.servicos_alterados": {
        "pt-BR": "Serviços contratados alterados",
        "en": "Contracted services changed",
    },
    "audit.action.rede.desativada": {
        "pt-BR": "Rede desativada",
        "en": "Chain deactivated",
    },
    "audit.action.rede.reativada": {
        "pt-BR": "Rede reativada",
        "en": "Chain reactivated",
    },
    "audit.action.usuario.criado": {
        "pt-BR": "Usuário criado",
        "en": "User created",
    },
    "audit.action.usuario.alterado": {
        "pt-BR": "Usuário alterado",
        "en": "User changed",
    },
    "audit.action.usuario.desativado": {
        "pt-BR": "Usuário desativado",
        "en": "User deactivated",
    },
    "audit.action.usuario.reativado": {
        "pt-BR": "Usuário reativado",
        "en": "User reactivated",
    },
    "audit.action.tarefa.solicitada": {
        "pt-BR": "Execução solicitada",
        "en": "Run requested",
    },
    "audit.action.tarefa.reprocessada": {
        "pt-BR": "Tarefa reprocessada",
        "en": "Task reprocessed",
    },
    "audit.action.preco.sugestao_aplicada": {
        "pt-BR": "Sugestão de preço aplicada",
        "en": "Price suggestion applied",
    },
    "audit.action.estoque.movimentos_recebidos": {
        "pt-BR": "Movimentos de estoque recebidos",
        "en": "Stock movements received",
    },
    "audit.action.produto.criado": {
        "pt-BR": "Produto criado (recebido)",
        "en": "Product created (received)",
    },
    "audit.action.produto.atualizado": {
        "pt-BR": "Produto atualizado (recebido)",
        "en": "Product updated (received)",
    },
    "manual.not_allowed": {
        "pt-BR": "O tipo de integração {type} não permite execução manual.",
        "en": "The integration type {type} does not allow manual runs.",
    },
    "manual.split_agents_only": {
        "pt-BR": "Somente a equipe de suporte pode dividir períodos longos automaticamente.",
        "en": "Only the support team can split long periods automatically.",
    },
    "manual.dag_unavailable": {
        "pt-BR": "A integração ainda está sendo preparada para execução. Tente novamente em alguns instantes.",
        "en": "The integration is still being prepared to run. Try again in a few moments.",
    },
    "manual.conflict": {
        "pt-BR": "O intervalo informado está em conflito com a tarefa {code},"
        " que ainda está pendente de processamento.",
        "en": "The period conflicts with task {code}, which is still pending processing.",
    },
    "manual.accepted": {
        "pt-BR": "Solicitação enviada para a fila de processamento.",
        "en": "Request sent to the processing queue.",
    },
    "manual.dry_run": {
        "pt-BR": "Simulação: nada foi gravado.",
        "en": "Dry run: nothing was written.",
    },
    "manual.already_pending": {
        "pt-BR": "Já existe uma solicitação de processamento pendente para a tarefa {code}. Aguarde a conclusão.",
        "en": "A processing request for task {code} is already pending. Wait for it to finish.",
    },
    "manual.not_failed": {
        "pt-BR": "Somente tarefas em Falha no envio podem ser reprocessadas (tarefa {code}).",
        "en": "Only tasks that failed can be reprocessed (task {code}).",
    },
    "manual.reprocess_accepted": {
        "pt-BR": "Reprocessamento enviado para a fila de processamento.",
        "en": "Reprocessing sent to the processing queue.",
    },
    "log.manual_requested": {
        "pt-BR": "Tarefa {code} solicitada por {user}: movimento de {start} a {end}.",
        "en": "Task {code} requested by {user}: movements from {start} to {end}.",
    },
    "log.reprocess_requested": {
        "pt-BR": "Reprocessamento da tarefa {code} solicitado por {user}.",
        "en": "Reprocessing of task {code} requested by {user}.",
    },
    "log.trigger_failed": {
        "pt-BR": "Não foi possível iniciar o processamento da tarefa {code}.",
        "en": "Processing of task {code} could not be started.",
    },
    "http.bad_request": {"pt-BR": "Requisição inválida.", "en": "Invalid request."},
    "ui.title": {"pt-BR": "Integrações", "en": "Integrations"},
    "ui.tasks_total": {"pt-BR": "{total} tarefa(s)", "en": "{total} task(s)"},
    "ui.run": {"pt-BR": "Executar integração", "en": "Run integration"},
    "ui.process": {"pt-BR": "Processar", "en": "Process"},
    "ui.run_hint": {
        "pt-BR": "Até 31 dias por solicitação, sem datas futuras.",
        "en": "Up to 31 days per request, no future dates.",
    },
    "ui.reprocess": {"pt-BR": "Reprocessar tarefa", "en": "Reprocess task"},
    "ui.correction": {"pt-BR": "Correção", "en": "Correction"},
    "ui.field_send_from": {"pt-BR": "Enviar a partir de", "en": "Send from"},
    "ui.send_from_hint": {
        "pt-BR": "A primeira execução envia o movimento desde esta data; em branco, desde o dia do cadastro.",
        "en": "The first run sends the movements since this date; blank: since the day it was registered.",
    },
    "ui.correction_hint": {
        "pt-BR": "Reenvio do dia completo: houve movimento registrado depois do envio; substitui o arquivo anterior.",
        "en": "The whole day sent again: movements were recorded after it was sent; replaces the earlier file.",
    },
    "ui.completeness_day": {"pt-BR": "Dia", "en": "Day"},
    "ui.completeness_rows": {"pt-BR": "Linhas enviadas", "en": "Rows sent"},
    "ui.completeness_all": {"pt-BR": "Completo", "en": "Complete"},
    "ui.completeness_short": {"pt-BR": "{count} dia(s) faltando", "en": "{count} day(s) missing rows"},
    "ui.completeness_summary": {
        "pt-BR": "Completude dos dias enviados: {days} dia(s), {complete} completo(s), {corrected} corrigido(s).",
        "en": "Completeness of the days sent: {days} day(s), {complete} complete, {corrected} corrected.",
    },
    "ui.completeness_hint": {
        "pt-BR": "Faltando N: registros do dia (vendas, compras, movimentos) gravados no ERP depois do envio. Com a"
        " integração ativa, o próximo envio manda o dia de novo, completo (Correção).",
        "en": "Missing N: records of the day (sales, purchases, movements) written to the ERP after it was sent."
        " While the integration is active, its next run sends the whole day again (Correction).",
    },
    "ui.completeness_correcting": {"pt-BR": "correção no próximo envio", "en": "corrected by the next run"},
    "ui.completeness_nobody": {
        "pt-BR": "integração inativa: reenvie o período",
        "en": "integration inactive: re-send the period",
    },
    "ui.panel_completeness": {"pt-BR": "Completude dos envios", "en": "Completeness of what was sent"},
    "ui.panel_completeness_counts": {
        "pt-BR": "Últimos {days} dias: {complete} dia(s) completo(s), {corrected} corrigido(s), {missing} faltando.",
        "en": "Last {days} days: {complete} day(s) complete, {corrected} corrected, {missing} missing rows.",
    },
    "ui.panel_completeness_none": {
        "pt-BR": "Todos os dias enviados estão completos.",
        "en": "Every day sent is complete.",
    },
    "ui.tab_tasks": {"pt-BR": "Tarefas", "en": "Tasks"},
    "ui.tab_logs": {"pt-BR": "Logs da integração", "en": "Integration log"},
    "ui.search_tasks": {"pt-BR": "Pesquisar tarefas", "en": "Search tasks"},
    "ui.search_files": {"pt-BR": "Pesquisar arquivos", "en": "Search files"},
    "ui.task_code": {"pt-BR": "Código", "en": "Code"},
    "ui.task_created": {"pt-BR": "Dt. cadastro", "en": "Created"},
    "ui.task_start": {"pt-BR": "Dt. inicial mov.", "en": "Movement start"},
    "ui.task_end": {"pt-BR": "Dt. final mov.", "en": "Movement end"},
    "ui.run_start": {"pt-BR": "Data inicial mov.", "en": "Movement start date"},
    "ui.run_end": {"pt-BR": "Data final mov.", "en": "Movement end date"},
    "ui.task_user": {"pt-BR": "Usuário", "en": "User"},
    "ui.task_status": {"pt-BR": "Situação", "en": "Status"},
    "ui.task_reason": {"pt-BR": "Motivo falha", "en": "Failure reason"},
    "ui.files_generated": {"pt-BR": "Arquivos gerados", "en": "Generated files"},
    "ui.files_for_task": {"pt-BR": "Arquivos gerados para a tarefa {code}", "en": "Files generated for task {code}"},
    "ui.no_files_match": {
        "pt-BR": "Nenhum arquivo corresponde ao filtro.",
        "en": "No file matches the filter.",
    },
    "ui.file_name": {"pt-BR": "Arquivo", "en": "File"},
    "ui.download": {"pt-BR": "Download", "en": "Download"},
    "ui.file_expired": {"pt-BR": "arquivo expirado", "en": "file expired"},
    "ui.no_tasks": {"pt-BR": "Nenhuma tarefa encontrada.", "en": "No task found."},
    "ui.no_files": {"pt-BR": "Nenhum arquivo gerado para esta tarefa.", "en": "No file generated for this task."},
    "ui.no_logs": {
        "pt-BR": "Nenhuma linha de log ainda. As novas linhas aparecem aqui automaticamente.",
        "en": "No log lines yet. New lines appear here automatically.",
    },
    "ui.live": {"pt-BR": "Ao vivo", "en": "Live"},
    "ui.reconnecting": {"pt-BR": "Reconectando…", "en": "Reconnecting…"},
    "ui.filter": {"pt-BR": "Filtrar", "en": "Filter"},
    "ui.filter_all": {"pt-BR": "(Selecionar tudo)", "en": "(Select all)"},
    "ui.filter_blank": {"pt-BR": "(vazio)", "en": "(blank)"},
    "ui.filter_ok": {"pt-BR": "Ok", "en": "Ok"},
    "ui.filter_clear": {"pt-BR": "Limpar", "en": "Clear"},
    "ui.date_placeholder": {"pt-BR": "dd/mm/aaaa", "en": "yyyy-mm-dd"},
    "ui.month_placeholder": {"pt-BR": "mm/aaaa", "en": "yyyy-mm"},
    "ui.date_pick": {"pt-BR": "Abrir calendário", "en": "Open calendar"},
    "ui.date_invalid": {
        "pt-BR": "Informe uma data válida, no formato {format}.",
        "en": "Enter a valid date, as {format}.",
    },
    "ui.register": {"pt-BR": "Cadastrar integração", "en": "Register integration"},
    "ui.refresh": {"pt-BR": "Atualizar", "en": "Refresh"},
    "ui.search_placeholder": {"pt-BR": "Pesquisar pela descrição", "en": "Search by description"},
    "ui.col_code": {"pt-BR": "Código", "en": "Code"},
    "ui.col_description": {"pt-BR": "Descrição", "en": "Description"},
    "ui.col_tenant": {"pt-BR": "Cliente", "en": "Customer"},
    "ui.col_type": {"pt-BR": "Tipo de integração", "en": "Integration type"},
    "ui.col_status": {"pt-BR": "Situação", "en": "Status"},
    "ui.col_interval": {"pt-BR": "Intervalo (min)", "en": "Interval (min)"},
    "ui.col_actions": {"pt-BR": "Ações", "en": "Actions"},
    "ui.active": {"pt-BR": "Ativa", "en": "Active"},
    "ui.inactive": {"pt-BR": "Inativa", "en": "Inactive"},
    "ui.edit": {"pt-BR": "Editar", "en": "Edit"},
    "ui.view": {"pt-BR": "Visualizar", "en": "View"},
    "ui.page_of": {"pt-BR": "Página {page} de {pages}", "en": "Page {page} of {pages}"},
    "ui.value_format": {
        "pt-BR": "Valor em formato inválido para este campo.",
        "en": "This value is not in the field's format.",
    },
    "ui.per_page": {"pt-BR": "Registros por página", "en": "Records per page"},
    "ui.prev": {"pt-BR": "Página anterior", "en": "Previous page"},
    "ui.next": {"pt-BR": "Próxima página", "en": "Next page"},
    "ui.empty": {"pt-BR": "Nenhuma integração encontrada.", "en": "No integration found."},
    "ui.total": {"pt-BR": "{total} integração(ões)", "en": "{total} integration(s)"},
    "ui.load_error": {"pt-BR": "Não foi possível carregar. Tente novamente.", "en": "Could not load. Try again."},
    "ui.form_new": {"pt-BR": "Cadastrar integração", "en": "Register integration"},
    "ui.form_edit": {"pt-BR": "Integração {code}", "en": "Integration {code}"},
    "ui.tab_registration": {"pt-BR": "Cadastro", "en": "Registration"},
    "ui.tab_config": {"pt-BR": "Configurações", "en": "Settings"},
    "ui.field_tenant": {"pt-BR": "Cliente", "en": "Customer"},
    "ui.field_description": {"pt-BR": "Descrição", "en": "Description"},
    "ui.field_type": {"pt-BR": "Tipo de integração", "en": "Integration type"},
    "ui.field_status": {"pt-BR": "Situação", "en": "Status"},
    "ui.field_interval": {"pt-BR": "Intervalo tarefa (minutos)", "en": "Task interval (minutes)"},
    "ui.field_branches": {"pt-BR": "Filiais", "en": "Branches"},
    "ui.select": {"pt-BR": "Selecione…", "en": "Select…"},
    "ui.only_selected": {"pt-BR": "Mostrar apenas as selecionadas", "en": "Show only the selected ones"},
    "ui.branch_name": {"pt-BR": "Nome", "en": "Name"},
    "ui.branch_code": {"pt-BR": "Código", "en": "Code"},
    "ui.select_all": {"pt-BR": "Selecionar todas", "en": "Select all"},
    "ui.sort_by_name": {"pt-BR": "Ordenar por nome", "en": "Sort by name"},
    "ui.config_key": {"pt-BR": "Chave", "en": "Key"},
    "ui.config_value": {"pt-BR": "Valor", "en": "Value"},
    "ui.secret_set": {"pt-BR": "Definido — deixe em branco para manter", "en": "Set — leave blank to keep"},
    "ui.secret_unset": {"pt-BR": "Não definido", "en": "Not set"},
    "ui.secret_hidden": {"pt-BR": "Definido (oculto)", "en": "Set (hidden)"},
    "ui.required": {"pt-BR": "obrigatório", "en": "required"},
    "ui.save_create": {"pt-BR": "Cadastrar", "en": "Register"},
    "ui.save_edit": {"pt-BR": "Salvar", "en": "Save"},
    "ui.back": {"pt-BR": "Voltar", "en": "Back"},
    "ui.panel_title": {"pt-BR": "Painel", "en": "Overview"},
    "ui.panel_attention": {"pt-BR": "Precisam de atenção", "en": "Need attention"},
    "ui.panel_failures": {"pt-BR": "Falhas por tipo e por cliente", "en": "Failures by type and by client"},
    "ui.panel_last_24h": {"pt-BR": "Últimas 24 h", "en": "Last 24 h"},
    "ui.panel_last_7d": {"pt-BR": "Últimos 7 dias", "en": "Last 7 days"},
    "ui.panel_by_type": {"pt-BR": "Tipo", "en": "Type"},
    "ui.panel_by_tenant": {"pt-BR": "Cliente", "en": "Client"},
    "ui.panel_since": {"pt-BR": "Desde", "en": "Since"},
    "ui.panel_last_error": {"pt-BR": "Último erro", "en": "Last error"},
    "ui.panel_alerts": {"pt-BR": "Alertas enviados", "en": "Alerts sent"},
    "ui.panel_nothing": {"pt-BR": "Nada precisa de atenção agora.", "en": "Nothing needs attention now."},
    "ui.panel_no_alerts": {"pt-BR": "Nenhum alerta enviado.", "en": "No alert sent."},
    "ui.panel_open": {"pt-BR": "Integrações", "en": "Integrations"},
    "ui.col_health": {"pt-BR": "Saúde", "en": "Health"},
    "ui.col_last_success": {"pt-BR": "Última entrega", "en": "Last delivery"},
    "ui.col_history": {"pt-BR": "Últimas tarefas", "en": "Last tasks"},
    "ui.health_all": {"pt-BR": "Todas", "en": "All"},
    "ui.chart_title": {"pt-BR": "Tarefas por dia (30 dias)", "en": "Tasks per day (30 days)"},
    "ui.chart_peak": {"pt-BR": "barra mais alta: {count} tarefa(s)", "en": "tallest bar: {count} task(s)"},
    "ui.never": {"pt-BR": "nunca", "en": "never"},
    "ui.own_schedule": {
        "pt-BR": "Agenda própria deste tipo: {schedule}. O intervalo não se aplica.",
        "en": "This type has its own schedule: {schedule}. The interval does not apply.",
    },
    "ui.log_ended": {"pt-BR": "Encerrado", "en": "Ended"},
    "ui.features_nav": {"pt-BR": "Páginas da integração", "en": "Integration pages"},
    "ui.reconciliation_title": {"pt-BR": "Conciliação de vendas", "en": "Sales reconciliation"},
    "ui.reconciliation_from": {"pt-BR": "Vendas de", "en": "Sales from"},
    "ui.reconciliation_branch": {"pt-BR": "Filial", "en": "Branch"},
    "ui.reconciliation_all_branches": {"pt-BR": "Todas as filiais", "en": "All branches"},
    "ui.reconciliation_status": {"pt-BR": "Situação", "en": "Status"},
    "ui.reconciliation_all_statuses": {"pt-BR": "Todas", "en": "All"},
    "ui.reconciliation_sent": {"pt-BR": "Enviadas", "en": "Sent"},
    "ui.reconciliation_export": {"pt-BR": "Exportar CSV", "en": "Export CSV"},
    "ui.reconciliation_date": {"pt-BR": "Data da venda", "en": "Sale date"},
    "ui.reconciliation_receipt": {"pt-BR": "Cupom", "en": "Receipt"},
    "ui.reconciliation_ours": {"pt-BR": "Valor enviado", "en": "Amount sent"},
    "ui.reconciliation_theirs": {"pt-BR": "Valor no parceiro", "en": "Partner's amount"},
    "ui.reconciliation_empty": {
        "pt-BR": "Nenhuma venda com cartão enviada neste período.",
        "en": "No card sale sent in this period.",
    },
    "ui.prices_title": {"pt-BR": "Alteração de Preço/Oferta", "en": "Price/Offer change"},
    "ui.back_to_integration": {"pt-BR": "Voltar à integração", "en": "Back to the integration"},
    "ui.prices_from": {"pt-BR": "Sugestões recebidas de", "en": "Suggestions received from"},
    "ui.prices_to": {"pt-BR": "até", "en": "to"},
    "ui.prices_zone": {"pt-BR": "Zona de preço", "en": "Price zone"},
    "ui.prices_direction": {"pt-BR": "Mostrar", "en": "Show"},
    "ui.prices_direction_all": {"pt-BR": "Aumentos e reduções", "en": "Increases and decreases"},
    "ui.prices_direction_up": {"pt-BR": "Só aumentos", "en": "Increases only"},
    "ui.prices_direction_down": {"pt-BR": "Só reduções", "en": "Decreases only"},
    "ui.prices_min_difference": {"pt-BR": "Diferença mínima (R$)", "en": "Minimum difference (R$)"},
    "ui.prices_search": {"pt-BR": "Produto (EAN ou descrição)", "en": "Product (EAN or description)"},
    "ui.prices_show": {"pt-BR": "Consultar", "en": "Search"},
    "ui.prices_include_stale": {"pt-BR": "Aplicar também as desatualizadas", "en": "Also apply outdated ones"},
    "ui.prices_apply_selected": {"pt-BR": "Aplicar selecionadas", "en": "Apply selected"},
    "ui.prices_apply_all": {"pt-BR": "Aplicar todas", "en": "Apply all"},
    "ui.prices_apply_all_confirm": {
        "pt-BR": "Aplicar as {total} sugestões exibidas com estes filtros à zona {zone}? Os preços do ERP mudam agora.",
        "en": "Apply the {total} suggestions shown with these filters to zone {zone}? The ERP's prices change now.",
    },
    "ui.prices_apply_selected_confirm": {
        "pt-BR": "Aplicar {count} sugestão(ões) selecionada(s) à zona {zone}? Os preços do ERP mudam agora.",
        "en": "Apply {count} selected suggestion(s) to zone {zone}? The ERP's prices change now.",
    },
    "ui.prices_total": {"pt-BR": "{total} sugestão(ões)", "en": "{total} suggestion(s)"},
    "ui.prices_select_page": {"pt-BR": "Selecionar todas desta página", "en": "Select all on this page"},
    "ui.prices_product": {"pt-BR": "Produto", "en": "Product"},
    "ui.prices_current": {"pt-BR": "Preço atual", "en": "Current price"},
    "ui.prices_suggested": {"pt-BR": "Preço sugerido", "en": "Suggested price"},
    "ui.prices_difference": {"pt-BR": "Diferença (R$)", "en": "Difference (R$)"},
    "ui.prices_applied": {"pt-BR": "Aplicada", "en": "Applied"},
    "ui.prices_stale": {"pt-BR": "Desatualizada", "en": "Outdated"},
    "ui.prices_stale_hint": {
        "pt-BR": "O preço da zona mudou depois que a sugestão chegou.",
        "en": "The zone’s price changed after the suggestion arrived.",
    },
    "ui.prices_empty": {
        "pt-BR": "Nenhuma sugestão de preço para estes filtros.",
        "en": "No price suggestion for these filters.",
    },
    "ui.prices_no_zones": {
        "pt-BR": "As filiais desta integração não têm zona de preço.",
        "en": "This integration’s branches have no price zone.",
    },
    "ui.readonly_note": {
        "pt-BR": "Somente leitura: alterações são feitas pela equipe de suporte.",
        "en": "Read-only: changes are made by the support team.",
    },
    "ui.type_unavailable": {"pt-BR": "em breve", "en": "coming soon"},
    "ui.paused_unavailable": {"pt-BR": "Pausada", "en": "Paused"},
    "ui.paused_unavailable_hint": {
        "pt-BR": "O tipo desta integração ainda não está disponível para execução.",
        "en": "This integration's type is not available to run yet.",
    },
    "ui.choose_type_first": {
        "pt-BR": "Escolha o tipo de integração para ver as chaves.",
        "en": "Choose the integration type to see its keys.",
    },
    "ui.choose_tenant_first": {
        "pt-BR": "Escolha o cliente para ver as filiais.",
        "en": "Choose the customer to see the branches.",
    },
    "ui.branches_selected": {"pt-BR": "{n} de {total} selecionada(s)", "en": "{n} of {total} selected"},
    "ui.saving": {"pt-BR": "Salvando…", "en": "Saving…"},
    "ui.cadence": {"pt-BR": "Janela de envio: {window}", "en": "Sending window: {window}"},
    "ui.close": {"pt-BR": "Fechar", "en": "Close"},
    # --- administration pages of support agents: Redes, Usuários, Serviços faturáveis, Auditoria ---
    "ui.admin_nav": {"pt-BR": "Administração", "en": "Administration"},
    "ui.admin_loading": {"pt-BR": "Carregando…", "en": "Loading…"},
    "ui.admin_save": {"pt-BR": "Salvar", "en": "Save"},
    "ui.admin_cancel": {"pt-BR": "Cancelar", "en": "Cancel"},
    "ui.admin_confirm_title": {"pt-BR": "Confirmação", "en": "Confirmation"},
    "ui.admin_deactivate": {"pt-BR": "Desativar", "en": "Deactivate"},
    "ui.admin_reactivate": {"pt-BR": "Reativar", "en": "Reactivate"},
    "ui.admin_export_csv": {"pt-BR": "Exportar CSV", "en": "Export CSV"},
    "ui.admin_tenant": {"pt-BR": "Rede", "en": "Chain"},
    "ui.admin_all_tenants": {"pt-BR": "Todas as redes", "en": "All chains"},
    "ui.admin_forbidden_title": {"pt-BR": "Acesso negado", "en": "Access denied"},
    "ui.tenants_title": {"pt-BR": "Redes", "en": "Chains"},
    "ui.tenants_new": {"pt-BR": "Nova rede", "en": "New chain"},
    "ui.tenants_edit": {"pt-BR": "Editar rede · {name}", "en": "Edit chain · {name}"},
    "ui.tenants_search": {"pt-BR": "Pesquisar por nome ou CNPJ", "en": "Search by name or CNPJ"},
    "ui.tenants_col_name": {"pt-BR": "Nome", "en": "Name"},
    "ui.tenants_col_branches": {"pt-BR": "Filiais", "en": "Branches"},
    "ui.tenants_col_users": {"pt-BR": "Usuários", "en": "Users"},
    "ui.tenants_col_services": {"pt-BR": "Serviços contratados", "en": "Contracted services"},
    "ui.tenants_field_name": {"pt-BR": "Nome da rede", "en": "Chain name"},
    "ui.tenants_branches": {"pt-BR": "Filiais", "en": "Branches"},
    "ui.tenants_branches_hint": {
        "pt-BR": "Filiais já cadastradas podem ser editadas, mas não removidas.",
        "en": "Registered branches can be edited, not removed.",
    },
    "ui.tenants_branch_city": {"pt-BR": "Cidade", "en": "City"},
    "ui.tenants_branch_state": {"pt-BR": "UF", "en": "State"},
    "ui.tenants_add_branch": {"pt-BR": "Adicionar filial", "en": "Add branch"},
    "ui.tenants_remove_branch": {"pt-BR": "Remover filial", "en": "Remove branch"},
    "ui.tenants_services": {"pt-BR": "Serviços contratados", "en": "Contracted services"},
    "ui.tenants_services_selected": {"pt-BR": "{n} de {total} contratado(s)", "en": "{n} of {total} contracted"},
    "ui.tenants_no_services": {"pt-BR": "Nenhum", "en": "None"},
    "ui.tenants_empty": {"pt-BR": "Nenhuma rede encontrada.", "en": "No chain found."},
    "ui.tenants_total": {"pt-BR": "{total} rede(s)", "en": "{total} chain(s)"},
    "ui.tenants_created": {"pt-BR": "Rede {name} cadastrada com sucesso.", "en": "Chain {name} registered."},
    "ui.tenants_saved": {"pt-BR": "Rede {name} salva com sucesso.", "en": "Chain {name} saved."},
    "ui.tenants_confirm_deactivate": {
        "pt-BR": "Desativar a rede {name}? As integrações dela deixam de rodar e os usuários que só pertencem a ela "
        "não conseguirão entrar.",
        "en": "Deactivate the chain {name}? Its integrations stop running and users who belong only to it will not "
        "be able to sign in.",
    },
    "ui.tenants_confirm_reactivate": {
        "pt-BR": "Reativar a rede {name}? Os usuários dela voltam a entrar; cada integração segue a sua situação.",
        "en": "Reactivate the chain {name}? Its users can sign in again; each integration keeps its own status.",
    },
    "ui.tenants_deactivated": {"pt-BR": "Rede {name} desativada.", "en": "Chain {name} deactivated."},
    "ui.tenants_reactivated": {"pt-BR": "Rede {name} reativada.", "en": "Chain {name} reactivated."},
    "ui.users_title": {"pt-BR": "Usuários", "en": "Users"},
    "ui.users_new": {"pt-BR": "Novo usuário", "en": "New user"},
    "ui.users_edit": {"pt-BR": "Editar usuário · {username}", "en": "Edit user · {username}"},
    "ui.users_search": {"pt-BR": "Pesquisar", "en": "Search"},
    "ui.users_search_placeholder": {"pt-BR": "Usuário, nome ou e-mail", "en": "Username, name or e-mail"},
    "ui.users_col_username": {"pt-BR": "Usuário", "en": "Username"},
    "ui.users_col_name": {"pt-BR": "Nome", "en": "Name"},
    "ui.users_col_email": {"pt-BR": "E-mail", "en": "E-mail"},
    "ui.users_col_tenants": {"pt-BR": "Redes", "en": "Chains"},
    "ui.users_col_last_login": {"pt-BR": "Último acesso", "en": "Last sign-in"},
    "ui.users_never": {"pt-BR": "Nunca acessou", "en": "Never signed in"},
    "ui.users_role": {"pt-BR": "Perfil", "en": "Profile"},
    "ui.users_role_client": {"pt-BR": "Cliente", "en": "Client"},
    "ui.users_role_agent": {"pt-BR": "Agente de suporte", "en": "Support agent"},
    "ui.users_all_roles": {"pt-BR": "Todos os perfis", "en": "All profiles"},
    "ui.users_all_statuses": {"pt-BR": "Todas as situações", "en": "All statuses"},
    "ui.users_active": {"pt-BR": "Ativo", "en": "Active"},
    "ui.users_inactive": {"pt-BR": "Inativo", "en": "Inactive"},
    "ui.users_all_tenants_agent": {"pt-BR": "Todas (agente)", "en": "All (agent)"},
    "ui.users_cannot_sign_in": {"pt-BR": "sem rede ativa", "en": "no active chain"},
    "ui.users_cannot_sign_in_hint": {
        "pt-BR": "Todas as redes deste usuário estão desativadas: ele não consegue entrar.",
        "en": "Every chain of this user is deactivated: they cannot sign in.",
    },
    "ui.users_filter_tenants": {"pt-BR": "Filtrar redes", "en": "Filter chains"},
    "ui.users_tenants_selected": {"pt-BR": "{n} selecionada(s)", "en": "{n} selected"},
    "ui.users_tenants_hint_client": {
        "pt-BR": "Obrigatório para clientes: o usuário vê somente as integrações das redes marcadas.",
        "en": "Required for clients: the user sees only the integrations of the chains ticked.",
    },
    "ui.users_tenants_hint_agent": {
        "pt-BR": "Agentes de suporte atendem todas as redes; marcar redes é opcional.",
        "en": "Support agents serve every chain; ticking chains is optional.",
    },
    "ui.users_initial_password": {"pt-BR": "Senha inicial", "en": "Initial password"},
    "ui.users_new_password": {"pt-BR": "Nova senha", "en": "New password"},
    "ui.users_password_confirm": {"pt-BR": "Confirme a senha", "en": "Confirm the password"},
    "ui.users_password_mismatch": {"pt-BR": "As senhas não conferem.", "en": "The passwords do not match."},
    "ui.users_fix_fields": {"pt-BR": "Corrija os campos indicados.", "en": "Fix the fields shown."},
    "ui.users_reset_password": {"pt-BR": "Redefinir senha", "en": "Reset password"},
    "ui.users_reset_title": {"pt-BR": "Redefinir senha · {username}", "en": "Reset password · {username}"},
    "ui.users_password_reset": {
        "pt-BR": "Senha de {username} redefinida. Informe a nova senha ao usuário por um canal seguro.",
        "en": "{username}'s password was reset. Give the new password to the user through a safe channel.",
    },
    "ui.users_empty": {"pt-BR": "Nenhum usuário encontrado.", "en": "No user found."},
    "ui.users_total": {"pt-BR": "{total} usuário(s)", "en": "{total} user(s)"},
    "ui.users_created": {"pt-BR": "Usuário {username} cadastrado com sucesso.", "en": "User {username} created."},
    "ui.users_saved": {"pt-BR": "Usuário {username} salvo com sucesso.", "en": "User {username} saved."},
    "ui.users_confirm_deactivate": {
        "pt-BR": "Desativar o usuário {username}? Ele não conseguirá mais entrar.",
        "en": "Deactivate the user {username}? They will no longer be able to sign in.",
    },
    "ui.users_confirm_reactivate": {
        "pt-BR": "Reativar o usuário {username}? Ele volta a conseguir entrar.",
        "en": "Reactivate the user {username}? They will be able to sign in again.",
    },
    "ui.users_deactivated": {"pt-BR": "Usuário {username} desativado.", "en": "User {username} deactivated."},
    "ui.users_reactivated": {"pt-BR": "Usuário {username} reativado.", "en": "User {username} reactivated."},
    "ui.billable_title": {"pt-BR": "Serviços faturáveis", "en": "Billable services"},
    "ui.billable_intro": {
        "pt-BR": "Execuções retroativas solicitadas pelo suporte em nome da rede, no mês escolhido.",
        "en": "Retroactive runs requested by support on the chain's behalf, in the chosen month.",
    },
    "ui.billable_month": {"pt-BR": "Mês", "en": "Month"},
    "ui.billable_requests": {"pt-BR": "Solicitações", "en": "Requests"},
    "ui.billable_chunks": {"pt-BR": "Partes", "en": "Parts"},
    "ui.billable_days": {"pt-BR": "Dias", "en": "Days"},
    "ui.billable_requested_at": {"pt-BR": "Solicitada em", "en": "Requested at"},
    "ui.billable_requested_by": {"pt-BR": "Solicitada por", "en": "Requested by"},
    "ui.billable_integration": {"pt-BR": "Integração", "en": "Integration"},
    "ui.billable_tasks": {"pt-BR": "Tarefas", "en": "Tasks"},
    "ui.billable_empty": {
        "pt-BR": "Nenhum serviço faturável para esta rede no mês.",
        "en": "No billable service for this chain in the month.",
    },
    "ui.billable_choose_tenant": {
        "pt-BR": "Escolha a rede para ver os serviços faturáveis.",
        "en": "Choose the chain to see its billable services.",
    },
    "ui.audit_title": {"pt-BR": "Auditoria", "en": "Audit"},
    "ui.audit_user": {"pt-BR": "Usuário", "en": "User"},
    "ui.audit_user_placeholder": {"pt-BR": "Nome de usuário", "en": "Username"},
    "ui.audit_entity": {"pt-BR": "Objeto", "en": "Object"},
    "ui.audit_all_entities": {"pt-BR": "Todos os objetos", "en": "All objects"},
    "ui.audit_from": {"pt-BR": "De", "en": "From"},
    "ui.audit_at": {"pt-BR": "Data/hora", "en": "Date/time"},
    "ui.audit_action": {"pt-BR": "Ação", "en": "Action"},
    "ui.audit_entity_id": {"pt-BR": "Id", "en": "Id"},
    "ui.audit_details": {"pt-BR": "Detalhes", "en": "Details"},
    "ui.audit_hide_details": {"pt-BR": "Ocultar detalhes", "en": "Hide details"},
    "ui.audit_field": {"pt-BR": "Campo", "en": "Field"},
    "ui.audit_before": {"pt-BR": "Antes", "en": "Before"},
    "ui.audit_after": {"pt-BR": "Depois", "en": "After"},
    "ui.audit_no_details": {"pt-BR": "Sem detalhes registrados.", "en": "No details recorded."},
    "ui.audit_system": {"pt-BR": "Sistema", "en": "System"},
    "ui.audit_empty": {"pt-BR": "Nenhum registro de auditoria encontrado.", "en": "No audit record found."},
    "ui.audit_total": {"pt-BR": "{total} registro(s)", "en": "{total} record(s)"},
}


def format_count(value: int) -> str:
    """12345 -> "12.345" (pt-BR thousands separator)."""
    return f"{value:,}".replace(",", ".")


def format_size(size: int) -> str:
    """Bytes in pt-BR units with a decimal comma: 2400000 -> "2,3 MB"."""
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}".replace(".", ",")
        amount /= 1024
    raise AssertionError("unreachable")


def negotiate(accept_language: str | None, preferred: Iterable[str] = LANGUAGES) -> str:
    """Pick a catalog language from an Accept-Language header (pt-BR unless English is preferred)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:  # q=0 means "not acceptable"
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        for language in preferred:
            if tag == language.lower() or tag.split("-")[0] == language.lower().split("-")[0]:
                return language
    return DEFAULT_LANGUAGE


def text(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The catalog text of `key` in `language` (falling back to pt-BR), formatted with `params`."""
    entry = CATALOG[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template
